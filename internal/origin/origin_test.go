package origin

import (
	"context"
	"math/rand/v2"
	"net"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/client"
)

type testAuth map[string]any

func (a testAuth) GetAttribute(n string) any { return a[n] }
func (a testAuth) GetAttributeNames() []string {
	out := make([]string, 0, len(a))
	for k := range a {
		out = append(out, k)
	}
	return out
}

func ctxWith(info client.Info) context.Context {
	return client.NewContext(context.Background(), info)
}

func tcp(s string) net.Addr {
	a, err := net.ResolveTCPAddr("tcp", s)
	if err != nil {
		panic(err)
	}
	return a
}

func tenant(t string) client.Info {
	return client.Info{Metadata: client.NewMetadata(map[string][]string{"x-tenant": {t}, "content-type": {"application/x-protobuf"}})}
}

func TestFromContextWithoutClientInfo(t *testing.T) {
	assert.Nil(t, FromContext(context.Background()))
	assert.Nil(t, FromContext(ctxWith(client.Info{})))
	var o *Origin
	assert.Empty(t, o.Key())
	ctx := context.Background()
	assert.Equal(t, ctx, o.Context(ctx), "no origin: the parent as it is")
}

func TestSame(t *testing.T) {
	tests := []struct {
		name string
		a, b client.Info
		same bool
	}{
		{"equal metadata", tenant("a"), tenant("a"), true},
		{"another tenant", tenant("a"), tenant("b"), false},
		{"keys in another order and case", client.Info{Metadata: client.NewMetadata(map[string][]string{"X-Tenant": {"a"}, "b": {"1"}})},
			client.Info{Metadata: client.NewMetadata(map[string][]string{"b": {"1"}, "x-tenant": {"a"}})}, true},
		{"values in another order", client.Info{Metadata: client.NewMetadata(map[string][]string{"k": {"1", "2"}})},
			client.Info{Metadata: client.NewMetadata(map[string][]string{"k": {"2", "1"}})}, false},
		{"one value split in two", client.Info{Metadata: client.NewMetadata(map[string][]string{"k": {"ab"}})},
			client.Info{Metadata: client.NewMetadata(map[string][]string{"k": {"a", "b"}})}, false},
		{"same address", client.Info{Addr: tcp("127.0.0.1:5000")}, client.Info{Addr: tcp("127.0.0.1:5000")}, true},
		{"another address", client.Info{Addr: tcp("127.0.0.1:5000")}, client.Info{Addr: tcp("127.0.0.1:5001")}, false},
		{"address against none", client.Info{Addr: tcp("127.0.0.1:5000")}, client.Info{}, false},
		{"equal auth", client.Info{Auth: testAuth{"sub": "u1", "groups": []string{"g"}}}, client.Info{Auth: testAuth{"groups": []string{"g"}, "sub": "u1"}}, true},
		{"another subject", client.Info{Auth: testAuth{"sub": "u1"}}, client.Info{Auth: testAuth{"sub": "u2"}}, false},
		{"metadata against auth of the same text", client.Info{Metadata: client.NewMetadata(map[string][]string{"sub": {"u1"}})}, client.Info{Auth: testAuth{"sub": "u1"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := FromContext(ctxWith(tt.a)), FromContext(ctxWith(tt.b))
			assert.Equal(t, tt.same, Same(a, b))
			assert.Equal(t, tt.same, Same(b, a))
		})
	}
}

func TestContextCarriesTheInfoAndNothingElse(t *testing.T) {
	o := FromContext(ctxWith(tenant("a")))
	got := client.FromContext(o.Context(context.Background()))
	assert.Equal(t, []string{"a"}, got.Metadata.Get("x-tenant"))
	_, hasDeadline := o.Context(context.Background()).Deadline()
	assert.False(t, hasDeadline)
}

func TestMarshalRoundTrip(t *testing.T) {
	infos := []client.Info{
		tenant("a"),
		{Addr: tcp("10.0.0.7:41234"), Metadata: client.NewMetadata(map[string][]string{"x-tenant": {"b"}, "k": {"1", "2", ""}})},
		{Auth: testAuth{"sub": "u1", "groups": []string{"g1", "g2"}, "n": 7}},
	}
	for _, info := range infos {
		o := FromContext(ctxWith(info))
		back, err := Unmarshal(o.Marshal())
		require.NoError(t, err)
		assert.True(t, Same(o, back), "a decoded origin groups with the live one")
		got := back.Info()
		for k := range info.Metadata.Keys() {
			assert.Equal(t, info.Metadata.Get(k), got.Metadata.Get(k), k)
		}
		if info.Addr != nil {
			assert.Equal(t, info.Addr.String(), got.Addr.String())
			assert.Equal(t, info.Addr.Network(), got.Addr.Network())
		}
		if info.Auth != nil {
			assert.ElementsMatch(t, info.Auth.GetAttributeNames(), got.Auth.GetAttributeNames())
			assert.Equal(t, "7", got.Auth.GetAttribute("n"), "a value of another type is kept as its text")
			assert.Equal(t, []string{"g1", "g2"}, got.Auth.GetAttribute("groups"))
		}
	}
	none, err := Unmarshal(nil)
	require.NoError(t, err)
	assert.Nil(t, none)
}

func TestUnmarshalMalformed(t *testing.T) {
	good := FromContext(ctxWith(client.Info{Addr: tcp("10.0.0.7:41234"), Metadata: client.NewMetadata(map[string][]string{"x-tenant": {"b"}}), Auth: testAuth{"sub": "u"}})).Marshal()
	for n := 1; n < len(good); n++ {
		_, err := Unmarshal(good[:n])
		assert.ErrorIs(t, err, ErrMalformed, "truncated to %d bytes", n)
	}
	_, err := Unmarshal(append(append([]byte{}, good...), 0))
	assert.ErrorIs(t, err, ErrMalformed, "trailing bytes")
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		b := make([]byte, rng.IntN(64))
		for i := range b {
			b[i] = byte(rng.UintN(256))
		}
		assert.NotPanics(t, func() { _, _ = Unmarshal(b) })
	}
	huge := []byte{version, 0, 0xff, 0xff, 0xff, 0xff, 0x0f}
	_, err = Unmarshal(huge)
	assert.ErrorIs(t, err, ErrMalformed, "a count beyond the limit allocates nothing")
}

func TestSize(t *testing.T) {
	var none *Origin
	assert.Zero(t, none.Size())
	small := FromContext(ctxWith(tenant("a")))
	big := FromContext(ctxWith(client.Info{Metadata: client.NewMetadata(map[string][]string{"cookie": {string(make([]byte, 1<<20))}})}))
	assert.Greater(t, big.Size(), 2<<20, "a 1 MiB header counts twice: its encoding and its value")
	assert.Less(t, small.Size(), 256)
}
