package contract

import (
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The names users read on spans and records (docs/design.md §4, the
// connector's README): changing one breaks their queries and alerts.
func TestNewNames(t *testing.T) {
	n := NewNames(DefaultPrefix)
	tests := []struct {
		got, want string
	}{
		{n.Category, "diagnosis.category"},
		{n.Cause, "diagnosis.cause"},
		{n.Likelihood, "diagnosis.likelihood"},
		{n.Confidence, "diagnosis.confidence"},
		{n.Evidence, "diagnosis.evidence"},
		{n.EvidenceSpanID, "diagnosis.evidence.span_id"},
		{n.EvidenceService, "diagnosis.evidence.service"},
		{n.Fix, "diagnosis.fix"},
		{n.FixEffort, "diagnosis.fix.effort"},
		{n.RunbookURL, "diagnosis.runbook.url"},
		{n.Fingerprint, "diagnosis.fingerprint"},
		{n.Rule, "diagnosis.rule"},
		{n.RootCauseCategory, "diagnosis.root_cause.category"},
		{n.RootCauseService, "diagnosis.root_cause.service"},
		{n.FirstSeen, "diagnosis.first_seen"},
		{n.FirstSeenVersion, "diagnosis.first_seen.version"},
		{n.FirstSeenRevision, "diagnosis.first_seen.revision"},
		{n.Regression, "diagnosis.regression"},
		{n.Occurrences, "diagnosis.occurrences"},
		{n.GroupState, "diagnosis.group.state"},
		{n.Relapse, "diagnosis.relapse"},
		{n.ResolvedInVersion, "diagnosis.resolved_in.version"},
		{n.ResolvedRequests, "diagnosis.resolved.requests"},
		{n.IncidentKind, "diagnosis.incident.kind"},
		{n.SpanName, "diagnosis.span.name"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.got)
		})
	}
	// Every name is in the table: a field added to Names needs its row.
	assert.Len(t, tests, reflect.TypeFor[Names]().NumField()-1)
}

// Under any prefix every name is the prefix and a suffix, and no two names
// are equal.
func TestNewNamesPrefix(t *testing.T) {
	for _, prefix := range []string{DefaultPrefix, "x-", "errors.diagnosis."} {
		t.Run(prefix, func(t *testing.T) {
			n := NewNames(prefix)
			assert.Equal(t, prefix, n.Prefix)
			v := reflect.ValueOf(n)
			seen := map[string]string{}
			for i := range v.NumField() {
				field := v.Type().Field(i).Name
				if field == "Prefix" {
					continue
				}
				name := v.Field(i).String()
				assert.Truef(t, strings.HasPrefix(name, prefix) && len(name) > len(prefix), "%s = %q", field, name)
				if other, dup := seen[name]; dup {
					t.Errorf("%s and %s are both %q", other, field, name)
				}
				seen[name] = field
			}
		})
	}
}

func TestValidPrefix(t *testing.T) {
	tests := []struct {
		prefix string
		want   bool
	}{
		{DefaultPrefix, true},
		{"x", true},
		{"my-team_errors.v2.", true},
		{"", false},
		{"diagnosis ", false},
		{"diagnosis/", false},
		{"diagnosé.", false},
		{"a\nb", false},
	}
	for _, tt := range tests {
		t.Run(tt.prefix, func(t *testing.T) {
			assert.Equal(t, tt.want, ValidPrefix(tt.prefix))
		})
	}
}
