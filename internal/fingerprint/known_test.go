package fingerprint

import "testing"

// TestNormalizeIdempotentAfterRejectedIPv6 was found by FuzzNormalize
// (issue 6). A rejected IPv6 candidate ("000:000:") swallows the ':' that
// opens the quoted value after it, so the quote is kept on the first pass
// and becomes <str> on the second. Fingerprints stay deterministic (the raw
// message is normalised once); only idempotence is broken.
func TestNormalizeIdempotentAfterRejectedIPv6(t *testing.T) {
	t.Skip("known: a rejected IPv6 candidate ending in ':' hides the opening context of a quoted value; fix in tokenAlternatives[5] or the rejected-candidate branch")
	in := "-K0-000:000:''"
	n := Normalize(in)
	if n2 := Normalize(n); n2 != n {
		t.Fatalf("not idempotent:\n in %q\n n1 %q\n n2 %q", in, n, n2)
	}
}
