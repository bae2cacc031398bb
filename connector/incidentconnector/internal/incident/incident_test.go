package incident

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/contract"
)

func TestRead(t *testing.T) {
	n := contract.NewNames("diagnosis.")
	tests := []struct {
		name    string
		attrs   map[string]any
		outcome Outcome
		kind    Kind
	}{
		{"not diagnosed", map[string]any{"http.route": "/"}, NotDiagnosed, ""},
		{"no registry", map[string]any{"diagnosis.fingerprint": "a1"}, NoRegistry, ""},
		{"first sighting, new", map[string]any{"diagnosis.fingerprint": "a1", "diagnosis.occurrences": 1, "diagnosis.regression": false}, FirstSighting, KindNew},
		{"first sighting, no regression attribute", map[string]any{"diagnosis.fingerprint": "a1", "diagnosis.occurrences": 1}, FirstSighting, KindNew},
		{"first sighting, regression", map[string]any{"diagnosis.fingerprint": "a1", "diagnosis.occurrences": 1, "diagnosis.regression": true}, FirstSighting, KindRegression},
		{"repeat", map[string]any{"diagnosis.fingerprint": "a1", "diagnosis.occurrences": 2, "diagnosis.regression": true}, Repeat, ""},
		{"fingerprint not a string", map[string]any{"diagnosis.fingerprint": 1, "diagnosis.occurrences": 1}, Malformed, ""},
		{"occurrences not an int", map[string]any{"diagnosis.fingerprint": "a1", "diagnosis.occurrences": "1"}, Malformed, ""},
		{"regression not a bool", map[string]any{"diagnosis.fingerprint": "a1", "diagnosis.occurrences": 1, "diagnosis.regression": "yes"}, Malformed, ""},
		{"another prefix", map[string]any{"triage.fingerprint": "a1", "triage.occurrences": 1}, NotDiagnosed, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := pcommon.NewMap()
			require.NoError(t, m.FromRaw(tt.attrs))
			outcome, kind, fp := Read(m, n)
			assert.Equal(t, tt.outcome, outcome)
			assert.Equal(t, tt.kind, kind)
			if outcome == FirstSighting {
				assert.Equal(t, "a1", fp)
			}
		})
	}
}
