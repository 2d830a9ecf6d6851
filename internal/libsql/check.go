//go:build cgo

package libsql

import (
	"fmt"
	"slices"
	"strings"

	"github.com/turso-go/turso/internal/engine"
)

var _ engine.ConfigChecker = Engine{}

// CheckConfig refuses a cipher the engine's build lacks; libSQL honours
// every pragma the driver sets.
func (Engine) CheckConfig(cfg engine.Config) error {
	if cfg.Cipher == "" {
		return nil
	}
	if have := Ciphers(); !slices.Contains(have, cfg.Cipher) {
		return engine.Unsupported("libsql", fmt.Sprintf("cipher %q", cfg.Cipher), "its ciphers are "+strings.Join(have, ", "))
	}
	return nil
}
