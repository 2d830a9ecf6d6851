package main

import (
	"image/color"
	"slices"
)

// driverSpec describes one benchmark binary, bench/cmd/<Name>. The report
// runs, tabulates and charts the drivers in the order of drivers: adding
// a driver is adding its binary and one entry here.
type driverSpec struct {
	Name  string
	About string // one line, for the report's list of drivers
	// Floor marks the floors, which are not charted as drivers; raw and
	// sqlfloor, libSQL's two, are summed into the report's "floor" column.
	Floor bool
	Color color.Color
}

var drivers = []driverSpec{
	{Name: "turso", About: "this repository's driver on its default engine, libSQL (cgo)", Color: color.RGBA{0x1f, 0x5f, 0xbf, 0xff}},
	{Name: "mattn", About: "github.com/mattn/go-sqlite3 (cgo): the baseline, every ratio is to it", Color: color.Gray{0x40}},
	{Name: "raw", About: "the engine floor: the workloads on libSQL through the turso repository's internal C binding, without database/sql", Floor: true},
	{Name: "sqlfloor", About: "the database/sql floor: the workloads through database/sql on a driver that replays recorded rows and does nothing else (values boxed as the drivers box them)", Floor: true},
	{Name: "modernc", About: "modernc.org/sqlite (pure Go, C translated to Go)", Color: color.RGBA{0xe0, 0x8a, 0x1e, 0xff}},
	{Name: "ncruces", About: "github.com/ncruces/go-sqlite3 (pure Go, Wasm translated to Go)", Color: color.RGBA{0x3a, 0x9a, 0x4a, 0xff}},
	{Name: "libsql", About: "go-libsql's own \"libsql\" driver (cgo)", Color: color.RGBA{0x8e, 0x5a, 0xb8, 0xff}},
	{Name: "tursoengine", About: "this repository's driver on Turso's engine, its wasm build under wazero (_engine=turso-wasm)", Color: color.RGBA{0x6f, 0xa8, 0xe0, 0xff}},
	{Name: "tursonative", About: "this repository's driver on Turso's engine, its native build (_engine=turso-native)", Color: color.RGBA{0x2a, 0xa0, 0xa0, 0xff}},
	{Name: "rawturso", About: "the floor of Turso's native engine: the workloads through internal/tursonative, without database/sql", Floor: true},
}

// floorName is the report's sum of the two floors, per round.
const floorName = "floor"

var (
	floorColor    = color.Gray{0x9a}
	baselineColor = color.RGBA{0x9c, 0xb8, 0xe0, 0xff} // a pale turso blue
)

func driverNames() []string {
	var names []string
	for _, d := range drivers {
		names = append(names, d.Name)
	}
	return names
}

func spec(name string) driverSpec {
	if i := slices.IndexFunc(drivers, func(d driverSpec) bool { return d.Name == name }); i >= 0 {
		return drivers[i]
	}
	if name == floorName {
		return driverSpec{Name: floorName, Floor: true, Color: floorColor}
	}
	return driverSpec{Name: name, Color: color.Gray{0x60}}
}
