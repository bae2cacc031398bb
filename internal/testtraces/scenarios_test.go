package testtraces

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// TestScenarios: names are unique; every service a scenario expects a
// diagnosis of has a 500 server span in it; a root cause is expected only
// of a dependency failure; each expectation is "category/cause".
func TestScenarios(t *testing.T) {
	seen := map[string]bool{}
	scs := Scenarios()
	require.NotEmpty(t, scs)
	for i, sc := range scs {
		t.Run(sc.Name, func(t *testing.T) {
			assert.False(t, seen[sc.Name], "unique name")
			seen[sc.Name] = true
			td := Build(sc.Root, Options{Seed: uint64(i + 1)})
			servers := map[string]bool{}
			ForEachSpan(td, func(_, _, _ int, rs ptrace.ResourceSpans, sp ptrace.Span) {
				status, _ := sp.Attributes().Get("http.response.status_code")
				if sp.Kind() == ptrace.SpanKindServer && status.Int() == 500 {
					svc, _ := rs.Resource().Attributes().Get("service.name")
					servers[svc.Str()] = true
				}
			})
			for svc, want := range sc.Want {
				assert.True(t, servers[svc], "%s has a 500 server span", svc)
				assert.Len(t, strings.Split(want, "/"), 2, want)
			}
			if sc.WantRootCause != "" {
				assert.Contains(t, sc.Want[sc.Root.Service], "dependency_failure/")
			}
		})
	}
}
