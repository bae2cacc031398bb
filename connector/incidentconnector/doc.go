// Package incidentconnector turns the errordiagnosis processor's diagnosed
// spans into incident log records: one OTLP log record per new error group,
// regression and relapse, carrying the trace and span id of an example span
// so that a logs backend links the record to its trace, and one per group
// the processor resolved, which has no trace.
package incidentconnector // import "github.com/errordiagnosis/errordiagnosisprocessor/connector/incidentconnector"
