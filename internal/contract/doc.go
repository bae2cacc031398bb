// Package contract is the attribute contract between the errordiagnosis
// processor and the incident connector: the names of the diagnosis
// attributes the processor writes and the connector reads (names.go), the
// caps of their values, and the identity of an error group (group.go). Both
// sides take them from here, so that a span diagnosed by one is read
// correctly by the other.
package contract // import "github.com/errordiagnosis/errordiagnosisprocessor/internal/contract"
