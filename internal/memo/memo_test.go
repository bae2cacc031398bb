package memo

import (
	"strconv"
	"strings"
	"sync"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
)

func TestMemo(t *testing.T) {
	calls := 0
	m := New(4, func(s string) int { calls++; return len(s) })
	assert.Equal(t, 3, m.Get("abc"))
	assert.Equal(t, 3, m.Get("abc"))
	assert.Equal(t, 1, calls, "second call served from the memo")
	for i := range 100 { // more keys than slots: collisions recompute, values stay right
		assert.Equal(t, len(strconv.Itoa(i)), m.Get(strconv.Itoa(i)))
	}
}

func TestMemoConcurrent(t *testing.T) {
	m := New(2, func(k [2]string) string { return k[0] + k[1] })
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 1000 {
				k := [2]string{strconv.Itoa(g), strconv.Itoa(i % 7)}
				assert.Equal(t, k[0]+k[1], m.Get(k))
			}
		}()
	}
	wg.Wait()
}

func BenchmarkMemoHit(b *testing.B) {
	m := New(10, func(s string) string { return s })
	key := "ERROR: canceling statement due to statement timeout (SQLSTATE 57014)"
	m.Get(key)
	for b.Loop() {
		_ = m.Get(key)
	}
}

// TestMemoOwnKeys: with OwnKeys the stored key is own(k), here a copy, so a
// key cut from a larger text does not keep that text alive.
func TestMemoOwnKeys(t *testing.T) {
	owned := 0
	m := New(4, func(s string) int { return len(s) }).OwnKeys(func(s string) string { owned++; return strings.Clone(s) })
	big := strings.Repeat("x", 1<<16)
	assert.Equal(t, 8, m.Get(big[:8]))
	assert.Equal(t, 8, m.Get(big[:8]), "still found by value")
	assert.Equal(t, 1, owned, "owned once, on the miss")
	for i := range m.slots {
		if e := m.slots[i].Load(); e != nil {
			assert.NotSame(t, unsafe.StringData(big), unsafe.StringData(e.key), "the stored key is a copy")
		}
	}
}

// TestFront: a front answers f(k) for every sequence of keys, and the key
// asked for again right away from the front, not from the memo: here the
// memo's one slot is taken by another key after every Get.
func TestFront(t *testing.T) {
	tests := []struct {
		name      string
		keys      []string
		wantCalls int // of f for the keys
	}{
		{"one key in a row", []string{"a", "a", "a"}, 1},
		{"two keys alternating", []string{"a", "b", "a", "b"}, 4},
		{"runs of keys", []string{"a", "a", "b", "b", "b", "a"}, 3},
		{"the empty key", []string{"", "", "a", ""}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			m := New(0, func(s string) string {
				if s != "other" {
					calls++
				}
				return "f(" + s + ")"
			})
			f := m.Front()
			for _, k := range tt.keys {
				assert.Equal(t, "f("+k+")", *f.Get(&k))
				m.Get("other")
			}
			assert.Equal(t, tt.wantCalls, calls)
		})
	}
}
