package readings

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/collector/pdata/pcommon"
)

func resourceOf(kv map[string]any) pcommon.Map {
	m := pcommon.NewMap()
	_ = m.FromRaw(kv)
	return m
}

// TestAppendKey: an instance id identifies an instance with its service;
// without one, the host, container and pod do; another instance, host or
// pod is another key.
func TestAppendKey(t *testing.T) {
	inst := map[string]any{"service.name": "orders", "service.namespace": "shop", "service.instance.id": "a1", "host.name": "h1"}
	tests := []struct {
		name  string
		attrs map[string]any
		same  map[string]any // nil: no key
		other map[string]any
	}{
		{"instance id", inst,
			map[string]any{"service.name": "orders", "service.namespace": "shop", "service.instance.id": "a1", "host.name": "h2", "process.pid": int64(7)},
			map[string]any{"service.name": "orders", "service.namespace": "shop", "service.instance.id": "a2", "host.name": "h1"}},
		{"host without instance id", map[string]any{"service.name": "orders", "host.name": "h1"},
			map[string]any{"service.name": "orders", "host.name": "h1", "os.type": "linux"},
			map[string]any{"service.name": "orders", "host.name": "h2"}},
		{"pod uid", map[string]any{"service.name": "orders", "k8s.pod.uid": "u1", "k8s.pod.name": "p"},
			map[string]any{"service.name": "orders", "k8s.pod.uid": "u1", "k8s.pod.name": "q"},
			map[string]any{"service.name": "orders", "k8s.pod.uid": "u2", "k8s.pod.name": "p"}},
		{"container", map[string]any{"service.name": "orders", "container.id": "c1"},
			map[string]any{"service.name": "orders", "container.id": "c1"},
			map[string]any{"service.name": "orders", "container.id": "c2"}},
		{"namespace", map[string]any{"service.name": "orders", "service.namespace": "shop", "host.name": "h1"},
			nil,
			map[string]any{"service.name": "orders", "service.namespace": "bank", "host.name": "h1"}},
		{"a separator in a value", map[string]any{"service.name": "a\x1fb", "host.name": "h1"},
			nil,
			map[string]any{"service.name": "a", "service.namespace": "b", "host.name": "h1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key, ok := appendKey(nil, resourceOf(tt.attrs))
			assert.True(t, ok)
			if tt.same != nil {
				same, _ := appendKey(nil, resourceOf(tt.same))
				assert.Equal(t, string(key), string(same))
			}
			other, _ := appendKey(nil, resourceOf(tt.other))
			assert.NotEqual(t, string(key), string(other))
		})
	}
	_, ok := appendKey(nil, resourceOf(map[string]any{"telemetry.sdk.name": "opentelemetry"}))
	assert.False(t, ok, "a resource that names no instance")

	long, _ := appendKey(nil, resourceOf(map[string]any{"service.name": strings.Repeat("s", 1000), "service.instance.id": "a"}))
	assert.Less(t, len(long), 3*maxIdentityField, "each field is capped")
}

// TestAppendHostKey: a span's host is the key of the hostmetrics
// receiver's resource, which names only the host.
func TestAppendHostKey(t *testing.T) {
	host, ok := appendHostKey(nil, resourceOf(map[string]any{"service.name": "orders", "service.instance.id": "a1", "host.name": "h1"}))
	assert.True(t, ok)
	scraped, _ := appendKey(nil, resourceOf(map[string]any{"host.name": "h1"}))
	assert.Equal(t, string(scraped), string(host))
	_, ok = appendHostKey(nil, resourceOf(map[string]any{"service.name": "orders"}))
	assert.False(t, ok)
}
