package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

// TestMetricsRequest: the sink counts every data point of an encoded
// request, and a replay moves every timestamp on.
func TestMetricsRequest(t *testing.T) {
	md := pmetric.NewMetrics()
	instanceMetrics(md, "orders", "orders-1")
	instanceMetrics(md, "orders", "orders-2")
	r, err := encodeMetrics(md)
	require.NoError(t, err)
	n, err := countPoints(r.body)
	require.NoError(t, err)
	assert.Equal(t, md.DataPointCount(), n)

	r.advance()
	r.advance()
	var u pmetric.ProtoUnmarshaler
	got, err := u.UnmarshalMetrics(r.body)
	require.NoError(t, err)
	want := pcommon.Timestamp(metricsStart + uint64(2*time.Millisecond))
	m := got.ResourceMetrics().At(1).ScopeMetrics().At(2).Metrics().At(0)
	assert.Equal(t, "db.client.connection.count", m.Name())
	assert.Equal(t, want, m.Sum().DataPoints().At(1).Timestamp())
	h := got.ResourceMetrics().At(0).ScopeMetrics().At(0).Metrics().At(0).Histogram().DataPoints().At(9)
	assert.Equal(t, want, h.Timestamp())
	assert.Equal(t, pcommon.Timestamp(metricsStart-uint64(time.Hour)), h.StartTimestamp(), "start times stay")
}
