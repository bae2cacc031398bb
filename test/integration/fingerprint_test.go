package integration

import (
	"context"
	"net/url"
	"sort"
	"strconv"
	"testing"
	"time"
)

// DifferentFingerprint lists pairs of (case, service) whose diagnosed spans
// have the same service, category and cause but another code location or
// dependency, and must not share diagnosis.fingerprint (issue 15). The
// other languages' beds add theirs (cases_<language>_test.go).
var DifferentFingerprint = [][2][2]string{
	// One panic message at three functions of the shop.
	{{"panic_nil_pointer", "shop"}, {"panic_nil_pointer_wishlist", "shop"}},
	{{"panic_nil_pointer", "shop"}, {"panic_nil_pointer_orders", "shop"}},
	{{"panic_nil_pointer_wishlist", "shop"}, {"panic_nil_pointer_orders", "shop"}},
	// upstream_5xx of the shop from two downstreams (inventory, payments).
	{{"downstream_500_postgres_lock", "shop"}, {"downstream_500_mariadb_duplicate", "shop"}},
}

// checkDifferentFingerprints asserts, among the cases driven, the pairs of
// DifferentFingerprint; that every (case, service) got one fingerprint for
// all its traces; and that no fingerprint is shared by two (case, service)
// of any bed that SameFingerprint does not declare one fault.
func checkDifferentFingerprints(t *testing.T, fps map[[2]string][]string, driven map[string]bool) {
	for _, p := range DifferentFingerprint {
		if !driven[p[0][0]] || !driven[p[1][0]] {
			continue
		}
		a, b := fps[p[0]], fps[p[1]]
		if len(a) == 0 || len(b) == 0 {
			t.Errorf("no fingerprint for %v or %v", p[0], p[1])
			continue
		}
		if a[0] == b[0] {
			t.Errorf("%v and %v share fingerprint %s: two code locations or dependencies in one group", p[0], p[1], a[0])
		} else {
			t.Logf("different as they must be: %v %s, %v %s", p[0], a[0], p[1], b[0])
		}
	}
	keys := make([][2]string, 0, len(fps))
	for k := range fps {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i][0]+"/"+keys[i][1] < keys[j][0]+"/"+keys[j][1] })
	for _, k := range keys {
		list := fps[k]
		for _, fp := range list[1:] {
			if fp != list[0] {
				t.Errorf("%v: traces of one fault got fingerprints %v", k, list)
				break
			}
		}
		if len(list) > 1 {
			t.Logf("one fingerprint over %d traces as it must be: %v %s", len(list), k, list[0])
		}
	}
	// Groups that share a member are one fault (components of the union).
	group := map[[2]string]int{}
	for i, g := range SameFingerprint {
		id := i + 1
		for _, k := range g {
			if old := group[k]; old != 0 {
				for kk, v := range group {
					if v == old {
						group[kk] = id
					}
				}
			}
		}
		for _, k := range g {
			group[k] = id
		}
	}
	owner := map[string][2]string{}
	for _, k := range keys {
		list := fps[k]
		if len(list) == 0 || list[0] == "" {
			continue
		}
		if o, ok := owner[list[0]]; ok && (group[o] == 0 || group[o] != group[k]) {
			t.Errorf("%v and %v share fingerprint %s but are not declared one fault in SameFingerprint", o, k, list[0])
		}
		owner[list[0]] = k
	}
}

// RestartShop stops the shop and starts it again on the same port (the
// edge proxies to it) with service.version set to version: a new process
// for the fingerprint's purposes (new tracer provider, goroutines,
// addresses), with the same code.
func (e *Env) RestartShop(t *testing.T, version string) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	old := e.Shop
	u, err := url.Parse(old.URL)
	must(t, err)
	port, err := strconv.Atoi(u.Port())
	must(t, err)
	old.Close(ctx)
	versions.Store("shop", version)
	sh := &Shop{InventoryURL: old.InventoryURL, PaymentsURL: old.PaymentsURL, RecommendationsURL: old.RecommendationsURL, PromoConfig: old.PromoConfig}
	var serr error
	for i := 0; i < 50; i++ { // the old listener's port may take a moment to be free
		if _, serr = startShop(ctx, e.endpoint("shop"), port, sh); serr == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	must(t, serr)
	if sh.URL != old.URL {
		t.Fatalf("restarted shop at %s, was %s", sh.URL, old.URL)
	}
	e.Shop = sh
}
