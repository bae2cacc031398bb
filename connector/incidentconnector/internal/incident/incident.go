// Package incident decides whether a diagnosed span is an event of its error
// group's lifecycle (first sighting, relapse) and turns it, or a group the
// processor resolved, into an incident log record. It only reads the span.
package incident // import "github.com/errordiagnosis/errordiagnosisprocessor/connector/incidentconnector/internal/incident"

import (
	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/contract"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/registry"
)

// Kind is the kind of incident a record reports.
type Kind string

const (
	// KindNew is an error group this processor instance had not seen before.
	KindNew Kind = "new"
	// KindRegression is a new error group that first appeared in a version of
	// its service newer than one already seen: it came with a deploy.
	KindRegression Kind = "regression"
	// KindRelapse is a resolved group seen again in the version that
	// resolved it or a later one: the fix did not hold.
	KindRelapse Kind = "relapse"
	// KindResolved is a group a newer version served enough requests
	// without; no span carries it.
	KindResolved Kind = "resolved"
)

// Outcome is what Read found on a span.
type Outcome int

const (
	// NotDiagnosed: no fingerprint, the processor did not diagnose the span.
	NotDiagnosed Outcome = iota
	// NoRegistry: diagnosed, but without an occurrences attribute (the
	// processor's fingerprint registry did not annotate it).
	NoRegistry
	// Repeat: a group already seen before this span, and no relapse.
	Repeat
	// Malformed: a deciding attribute has the wrong type.
	Malformed
	// FirstSighting: the span is its group's first sighting, or its
	// relapse; a record is due.
	FirstSighting
)

// Read reports whether the span with these attributes is the first sighting
// or the relapse of its error group and, if so, the kind of incident and the
// fingerprint. The deciding attributes must have the types the processor
// writes (fingerprint a non-empty string, occurrences an int, regression a
// bool, group.state one of its states); anything else is Malformed, never
// guessed at. Without group.state (an older processor), occurrences and
// regression decide.
func Read(attrs pcommon.Map, n contract.Names) (Outcome, Kind, string) {
	fpv, ok := attrs.Get(n.Fingerprint)
	if !ok {
		return NotDiagnosed, "", ""
	}
	if fpv.Type() != pcommon.ValueTypeStr || fpv.Str() == "" {
		return Malformed, "", ""
	}
	occ, ok := attrs.Get(n.Occurrences)
	if !ok {
		return NoRegistry, "", ""
	}
	if occ.Type() != pcommon.ValueTypeInt {
		return Malformed, "", ""
	}
	kind := KindNew
	if reg, ok := attrs.Get(n.Regression); ok {
		if reg.Type() != pcommon.ValueTypeBool {
			return Malformed, "", ""
		}
		if reg.Bool() {
			kind = KindRegression
		}
	}
	if st, ok := attrs.Get(n.GroupState); ok {
		if st.Type() != pcommon.ValueTypeStr {
			return Malformed, "", ""
		}
		switch registry.GroupState(st.Str()) {
		case registry.GroupNew, registry.GroupRegression:
		case registry.GroupRelapse:
			return FirstSighting, KindRelapse, fpv.Str()
		case registry.GroupOngoing:
			return Repeat, "", ""
		default:
			return Malformed, "", ""
		}
	}
	if occ.Int() != 1 {
		return Repeat, "", ""
	}
	return FirstSighting, kind, fpv.Str()
}
