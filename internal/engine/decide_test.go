package engine

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/testtraces"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/tracecache"
)

// targetOf records td into a shared cache and returns the recorded target
// of service.
func targetOf(t *testing.T, td ptrace.Traces, service string) target {
	t.Helper()
	rec := recorded(sharedCache(64), td)
	for _, bt := range rec.targets {
		if bt.trace.Service(bt.node) == service {
			return bt
		}
	}
	require.Failf(t, "no target", "%s", service)
	return target{}
}

// TestDiagnose: the cause, where its evidence is, the root cause down a
// chain of calls within the budget, and whether more evidence could change
// it.
func TestDiagnose(t *testing.T) {
	build := func(name string) func(t *testing.T) ptrace.Traces {
		return func(t *testing.T) ptrace.Traces {
			return testtraces.Build(scenario(t, name), testtraces.Options{Seed: 1})
		}
	}
	for _, tc := range []struct {
		name        string
		td          func(t *testing.T) ptrace.Traces
		service     string
		budget      int
		want        string // category/cause
		evService   string
		rootCause   diagnosis.Category
		rootService string
		final       bool
		dependency  string // "" for any
	}{
		{"a refused query", func(*testing.T) ptrace.Traces { return dbDown(1) }, "cart", maxCallChain,
			"database_connection/connection_refused", "cart", "", "", true, ""},
		{"no evidence: may come", func(*testing.T) ptrace.Traces { return bare500(1) }, "shop", maxCallChain,
			"unknown/no_evidence", "", "", "", false, ""},
		{"downstream deadlock", build("cross_service_deadlock"), "checkout", maxCallChain,
			"dependency_failure/upstream_5xx", "inventory", diagnosis.DatabaseQuery, "inventory", true, "service inventory"},
		{"downstream without evidence yet: may come", func(*testing.T) ptrace.Traces {
			return testtraces.Build(testtraces.Server("checkout", "go", "POST", "/checkout", 500,
				testtraces.HTTPClient("inventory", "POST", "/reserve", 500, testtraces.Server("inventory", "java", "POST", "/reserve", 500))),
				testtraces.Options{Seed: 1})
		}, "checkout", maxCallChain, "dependency_failure/upstream_5xx", "inventory", diagnosis.Unknown, "inventory", false, ""},
		{"the failed attempt among the downstream's", func(*testing.T) ptrace.Traces {
			return testtraces.Build(testtraces.Server("checkout", "go", "POST", "/checkout", 500,
				testtraces.HTTPClient("inventory", "POST", "/reserve", 500,
					testtraces.Server("inventory", "java", "POST", "/reserve", 200),
					testtraces.Server("inventory", "java", "POST", "/reserve", 500,
						testtraces.DB("mysql", "UPDATE", "stock", "UPDATE stock SET qty = 1").Failed("Deadlock found when trying to get lock; try restarting transaction").With("db.response.status_code", "1213")),
				)), testtraces.Options{Seed: 1})
		}, "checkout", maxCallChain, "dependency_failure/upstream_5xx", "inventory", diagnosis.DatabaseQuery, "inventory", true, ""},
		{"downstream not arrived: may come", func(t *testing.T) ptrace.Traces {
			return withoutService(build("cross_service_deadlock")(t), "inventory")
		}, "checkout", maxCallChain, "dependency_failure/upstream_5xx", "inventory", "", "", false, ""},
		{"refused call: nothing will answer", build("downstream_refused"), "frontend", maxCallChain,
			"dependency_failure/upstream_unreachable", "recommendations", "", "", true, ""},
		{"refused, said only by an internal span's exception: the call's span may come", func(*testing.T) ptrace.Traces {
			return testtraces.Build(testtraces.Server("shop", "node", "GET", "/db/refused", 500,
				testtraces.Internal("ShopController.dbRefused").Failed("connect ECONNREFUSED 127.0.0.1:41689",
					testtraces.Exception{Type: "ECONNREFUSED", Message: "connect ECONNREFUSED 127.0.0.1:41689"})),
				testtraces.Options{Seed: 1})
		}, "shop", maxCallChain, "dependency_failure/upstream_unreachable", "shop", "", "", false, ""},
		{"three services, the deepest cause", build("three_service_chain_lock_timeout"), "storefront", maxCallChain,
			"dependency_failure/upstream_5xx", "orders", diagnosis.DatabaseTimeout, "payments", true, ""},
		{"three services, no budget to look down", build("three_service_chain_lock_timeout"), "storefront", 0,
			"dependency_failure/upstream_5xx", "orders", diagnosis.Unknown, "orders", true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bt := targetOf(t, tc.td(t), tc.service)
			res := diagnose(bt.trace, bt.node, int(bt.node.Status), tc.budget)
			assert.Equal(t, tc.want, string(res.Category)+"/"+res.Cause)
			assert.Equal(t, tc.service, res.Service)
			assert.Equal(t, tc.evService, res.EvidenceService)
			assert.Equal(t, tc.rootCause, res.RootCause)
			assert.Equal(t, tc.rootService, res.RootService)
			assert.Equal(t, tc.final, res.Final)
			assert.Nil(t, res.Evidence, "the deciding item is copied into the result")
			if tc.evService == "" {
				assert.Nil(t, res.Deciding())
				return
			}
			require.NotNil(t, res.Deciding())
			assert.Equal(t, res.Rule, res.Deciding().Match.Rule)
			assert.False(t, res.EvidenceSpanID.IsEmpty())
			if res.Deciding().Kind != diagnosis.KindSpan { // an in-process span names no dependency
				assert.NotEmpty(t, res.Dependency)
			}
			if tc.dependency != "" {
				assert.Equal(t, tc.dependency, res.Dependency)
			}
		})
	}
}

// TestDiagnoseReadsSettledDownstream: a downstream target released before
// gives its settled diagnosis as the caller's root cause (its own root
// cause when it has one), final; not diagnosed again.
func TestDiagnoseReadsSettledDownstream(t *testing.T) {
	for _, tc := range []struct {
		name        string
		settled     tracecache.Decided
		rootCause   diagnosis.Category
		rootService string
	}{
		{"its cause", tracecache.Decided{Category: diagnosis.Security, Cause: "suspected_injection"}, diagnosis.Security, "inventory"},
		{"its root cause", tracecache.Decided{Category: diagnosis.DependencyFailure, Cause: "upstream_5xx", RootCategory: diagnosis.ResourceExhaustion, RootService: "stock-db"},
			diagnosis.ResourceExhaustion, "stock-db"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := sharedCache(64)
			rec := recorded(c, testtraces.Build(scenario(t, "cross_service_deadlock"), testtraces.Options{Seed: 1}))
			var caller, downstream target
			for _, bt := range rec.targets {
				switch bt.trace.Service(bt.node) {
				case "checkout":
					caller = bt
				case "inventory":
					downstream = bt
				}
			}
			require.NotNil(t, caller.node)
			require.NotNil(t, downstream.node)
			downstream.trace.SetDecided(downstream.node, tc.settled)
			res := diagnose(caller.trace, caller.node, 500, maxCallChain)
			assert.True(t, res.Final)
			assert.Equal(t, tc.rootCause, res.RootCause)
			assert.Equal(t, tc.rootService, res.RootService)
		})
	}
}

// TestDecide: a batch's final targets are final in it; a target that waits
// is held; a span sent again while its copy is held is taken out, not held
// twice, and one that differs is final in its batch; a held span whose
// trace a batch completes is released, diagnosed with the new evidence.
func TestDecide(t *testing.T) {
	full := dbDown(1)
	server := CopySpan(full, posOf(t, full, "GET /cart"))
	query := CopySpan(full, posOf(t, full, "SELECT carts"))
	changed := CopySpan(full, posOf(t, full, "GET /cart"))
	spanNamed(t, changed, "GET /cart").Attributes().PutStr("retry", "yes")

	e, _ := testEngine(10)
	out := applied(e, dbDown(2))
	require.Len(t, out.Final, 1, "evidence in its batch: final there")
	assert.Equal(t, diagnosis.DatabaseConnection, out.Final[0].Res.Category)
	assert.Empty(t, out.Taken)
	_, settled := out.Final[0].trace.Decided(out.Final[0].node)
	assert.True(t, settled, "a final target is settled at once")

	out = applied(e, server)
	assert.Empty(t, out.Final)
	assert.Len(t, out.Taken, 1, "no evidence yet: held")
	assert.Equal(t, int64(1), e.Stats().Held)

	out = applied(e, CopySpan(full, posOf(t, full, "GET /cart")))
	assert.Len(t, out.Taken, 1, "sent again: its copy is held")
	assert.Empty(t, out.Final)
	assert.Equal(t, int64(1), e.Stats().Held, "not held twice")

	out = applied(e, changed)
	require.Len(t, out.Final, 1, "the same span id, other bytes: annotated in place")
	assert.Empty(t, out.Taken)

	out = applied(e, query)
	require.Len(t, out.Released, 1, "the evidence arrived: the held span leaves")
	assert.Empty(t, out.Released[0].Reason, "not early")
	assert.Equal(t, diagnosis.DatabaseConnection, out.Released[0].Res.Category)
	assert.Zero(t, e.Stats().Held)
	_, decided := out.Released[0].Held.Trace.Decided(out.Released[0].Held.Node)
	assert.True(t, decided, "settled: a caller reads it as its root cause")
}
