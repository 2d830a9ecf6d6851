package synctest

import (
	"os/exec"
	"syscall"
)

// dieWithParent makes cmd get SIGKILL when the test process dies, so that
// a test binary killed by its timeout leaves no server behind.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
