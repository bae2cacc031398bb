package errordiagnosisprocessor

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/engine"
)

// TestOwnKeyCopies: a memoized key holds its own copy of its texts, not the
// memory of the request they were read from.
func TestOwnKeyCopies(t *testing.T) {
	request := strings.Repeat("x", 64) + "checkoutSELECT shopconnection refused"
	k := annotationKey{service: request[64:72], Match: diagnosis.Match{Category: "database", Cause: request[83:]}}
	k.ev.spanName = request[72:83]
	owned := ownKey(k)
	assert.Equal(t, k, owned)
	for _, s := range []string{owned.service, owned.ev.spanName, owned.Cause} {
		p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
		base := uintptr(unsafe.Pointer(unsafe.StringData(request)))
		assert.False(t, p >= base && p < base+uintptr(len(request)), "%q shares the request's memory", s)
	}
}

// TestDescribedKeepsWhatTextsRead: for the diagnosed target of every
// failing scenario, the texts of its key (the deciding evidence reduced to
// what describe and the fingerprint read) are those of the whole result. A
// field they read that describedTextsOf leaves out fails here for the
// scenarios whose evidence sets it.
func TestDescribedKeepsWhatTextsRead(t *testing.T) {
	d := newTestDiagnoser(t, createDefaultConfig().(*Config), new(consumertest.TracesSink))
	t.Cleanup(func() { require.NoError(t, d.shutdown(context.Background())) })
	targets := diagnosedTargets(d, failingTraces())
	require.NotEmpty(t, targets)
	withEvidence := 0
	for _, tg := range targets {
		if tg.res.HasItem {
			withEvidence++
		}
		k := annotationKeyOf(tg.span, &tg.res)
		assert.Equal(t, d.writer.textsOf(tg.res, k.route), d.writer.computeTexts(k), "%s: %s", tg.res.Service, tg.res.Rule)
	}
	assert.NotZero(t, withEvidence)
}

// TestDescribedTextsPairs: describedOf and len, written out for the hot
// path, are the pairs' fields: each text is its Evidence field's, read
// back into the same field, and counted once.
func TestDescribedTextsPairs(t *testing.T) {
	var ev diagnosis.Evidence
	distinctTexts(&ev)
	d := describedOf(&ev)
	n := 0
	for _, p := range d.pairs(&ev) {
		assert.Equal(t, *p[1], *p[0])
		n += len(*p[0])
	}
	assert.Equal(t, n, d.len())
	res := engine.Result{HasItem: true, Item: ev}
	back := annotationKeyOf(ptrace.NewSpan(), &res).result().Item
	want := diagnosis.Evidence{Kind: ev.Kind, HTTPStatusCode: ev.HTTPStatusCode}
	for _, p := range d.pairs(&want) {
		*p[1] = *p[0]
	}
	assert.Equal(t, want, back)
}

// distinctTexts sets every string field of ev to a text of its own.
func distinctTexts(ev *diagnosis.Evidence) {
	v := reflect.ValueOf(ev).Elem()
	for i := range v.NumField() {
		if f := v.Field(i); f.Kind() == reflect.String {
			f.SetString(v.Type().Field(i).Name)
		}
	}
	ev.Kind, ev.HTTPStatusCode = diagnosis.KindClient, 503
}
