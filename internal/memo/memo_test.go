package memo

import (
	"strconv"
	"sync"
	"testing"

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
