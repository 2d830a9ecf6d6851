// Package tursonative is the engine of the Turso database itself, run
// natively: the prebuilt N-API addon of npm's @tursodatabase packages (a
// shared object for linux/amd64), loaded with dlopen and driven through an
// N-API host written in C (napi.c, host.c) with the binding's synchronous
// surface (Database connectSync, prepare, executor, ioLoopSync; Statement
// bindAt, stepSync, row).
package tursonative
