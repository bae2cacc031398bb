//go:build tools

// Package tools pins the build tools of this repository (mdatagen) to the
// collector version set in ../../go.mod, so `make generate` is reproducible.
package tools

import (
	_ "go.opentelemetry.io/collector/cmd/mdatagen"
)
