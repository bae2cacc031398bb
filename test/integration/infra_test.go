package integration

import (
	"net"
	"strconv"
	"testing"
)

// TestFreePort: the ports are distinct, bindable, and outside the kernel's
// ephemeral range, where an outgoing connection could take them first.
func TestFreePort(t *testing.T) {
	seen := map[int]bool{}
	for range 200 {
		p, err := FreePort()
		if err != nil {
			t.Fatal(err)
		}
		if seen[p] || p < minPort || p >= ephemeralStart() || wellKnown[p] {
			t.Fatalf("port %d: handed out before %v, or outside [%d, %d), or well known", p, seen[p], minPort, ephemeralStart())
		}
		seen[p] = true
	}
	p := MustFreePort()
	l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
	if err != nil {
		t.Fatalf("port %d is not free to bind: %v", p, err)
	}
	l.Close()
}
