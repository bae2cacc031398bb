package classify

import "sort"

// allRules lists every rule name of every table (generic fallbacks included).
func allRules() []string {
	seen := map[string]bool{}
	add := func(r string) { seen[r] = true }
	for _, t := range codeTables {
		for _, r := range t {
			add(r.rule)
		}
	}
	for _, r := range typeRows {
		add(r.rule)
	}
	for _, r := range patRows {
		add(r.rule)
	}
	for _, r := range grpcRows {
		add(r.rule)
	}
	for _, r := range httpClientRows {
		add(r.rule)
	}
	for _, r := range errorTypeRows {
		add(r.rule)
	}
	for _, r := range gatewayRows {
		add(r.rule)
	}
	for _, r := range securityRows {
		add(r.rule)
	}
	for _, r := range originRows {
		add(r.rule)
	}
	for _, r := range ownErrorRows {
		add(r.rule)
	}
	for _, r := range []string{ruleGenericException, ruleGenericDB, ruleGenericClient, ruleGenericStatus} {
		add(r)
	}
	out := make([]string, 0, len(seen))
	for r := range seen {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}
