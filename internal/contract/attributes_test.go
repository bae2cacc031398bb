package contract

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestAttributesWrites(t *testing.T) {
	tests := []struct {
		name  string
		attrs Attributes
		off   []string
	}{
		{"all", AllAttributes(), nil},
		{"no cause texts", Attributes{ErrorGroup: true}, CauseTextSuffixes},
		{"no error group", Attributes{CauseTexts: true}, ErrorGroupSuffixes},
		{"neither", Attributes{}, slices.Concat(CauseTextSuffixes, ErrorGroupSuffixes)},
	}
	processorWrites := []string{
		SuffixCategory, SuffixCause, SuffixLikelihood, SuffixConfidence, SuffixEvidence, SuffixEvidenceSpanID,
		SuffixEvidenceService, SuffixFix, SuffixFixEffort, SuffixRunbookURL, SuffixFingerprint, SuffixRule,
		SuffixRootCauseCategory, SuffixRootCauseService, SuffixFirstSeen, SuffixFirstSeenVersion,
		SuffixFirstSeenRevision, SuffixRegression, SuffixOccurrences, SuffixGroupState, SuffixRelapse,
		SuffixResolvedInVersion,
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, s := range processorWrites {
				assert.Equal(t, !slices.Contains(tt.off, s), tt.attrs.Writes(s), s)
			}
		})
	}
}

// The groups are disjoint and leave the diagnosis itself (category, cause,
// evidence, fingerprint, rule) always written.
func TestAttributeGroupsDisjoint(t *testing.T) {
	for _, s := range CauseTextSuffixes {
		assert.NotContains(t, ErrorGroupSuffixes, s)
	}
	none := Attributes{}
	for _, s := range []string{SuffixCategory, SuffixCause, SuffixConfidence, SuffixEvidence, SuffixEvidenceSpanID,
		SuffixEvidenceService, SuffixFingerprint, SuffixRule, SuffixRootCauseCategory, SuffixRootCauseService, SuffixRunbookURL} {
		assert.True(t, none.Writes(s), s)
	}
}
