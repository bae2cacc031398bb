//go:generate .tools/mdatagen metadata.yaml

// Package errordiagnosisprocessor finds HTTP 500 server spans and writes a
// diagnosis of their cause (category, cause, evidence, fix, fingerprint) from
// the exception events, database spans and failed calls of their whole trace.
package errordiagnosisprocessor // import "github.com/errordiagnosis/errordiagnosisprocessor"
