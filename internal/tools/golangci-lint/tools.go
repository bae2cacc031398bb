//go:build tools

// Package tools pins golangci-lint, built from the module proxy by `make
// lint`. It is a module of its own: its dependencies (golang.org/x/tools,
// x/mod, x/sync) are newer than mdatagen's pins in ../go.mod and would move
// them.
package tools

import (
	_ "github.com/golangci/golangci-lint/v2/cmd/golangci-lint"
)
