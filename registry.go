package errordiagnosisprocessor // import "github.com/errordiagnosis/errordiagnosisprocessor"

import (
	"context"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.uber.org/zap"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/contract"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/registry"
)

// The fingerprint registry's part of a batch: every resource teaches the
// registry its service's version and the requests (server spans) it served
// (after the scan, which counts the server spans, and before anything is
// diagnosed: a read under a shared lock when the version is known, and one
// atomic add per version of the batch); every diagnosed span is counted in
// its error group, whose first sighting and lifecycle state are written on
// it (annotate.go). The groups the requests resolve go to the feed of this
// processor's ID, which the incident connector reads. Storage: storage.go.

// registryKeeper keeps the registry: its loop, its storage (storage.go).
type registryKeeper struct {
	reg      *registry.Registry
	cfg      RegistryConfig
	storage  *component.ID
	id       component.ID
	logger   *zap.Logger
	counters counters
	// store is the registry's storage client (storage.go). The loop stops
	// on stop and closes done.
	store *registryStore
	done  chan struct{}
}

func newRegistryKeeper(cfg *Config, id component.ID, now func() time.Time, logger *zap.Logger, c counters) *registryKeeper {
	rc := cfg.Registry
	reg := registry.New(registry.Limits{
		MaxEntries:            rc.MaxEntries,
		MaxAge:                rc.MaxAge,
		MaxServices:           rc.MaxServices,
		MaxVersionsPerService: rc.MaxVersionsPerService,
		ResolveAfter:          rc.ResolveAfterRequests,
	}, now).PublishTo(registry.FeedOf(id.String()))
	return &registryKeeper{reg: reg, cfg: rc, storage: cfg.Storage, id: id, logger: logger, counters: c}
}

// resourceIdentity reads the service, its environment and its version from
// a resource, without allocating. Three look-ups: faster than one pass with
// the map's iterator (24 against 31 ns on the resources of testtraces).
func resourceIdentity(res pcommon.Resource) (svc contract.Service, version string) {
	attrs := res.Attributes()
	return contract.ServiceOf(attrs), contract.IdentityAttr(attrs, contract.ServiceVersionKey)
}

// observeVersions teaches the registry the version of every resource of
// the batch, healthy or not, and the requests it served (servers[i]: the
// SERVER spans of ResourceSpans i, counted by the scan's pass over the
// spans): a group is a regression when its version appeared after another
// one of the service, whether or not that one failed, and resolved when a
// newer version served enough requests without it.
func (k *registryKeeper) observeVersions(td ptrace.Traces, servers []int) {
	tally := k.reg.Tally()
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		svc, version := resourceIdentity(rss.At(i).Resource())
		if version == "" {
			continue // nothing to learn or count
		}
		n := 0
		if i < len(servers) {
			n = servers[i]
		}
		tally.Observe(svc, version, n)
	}
	tally.Flush()
}

// start loads the registry from its storage, when configured, and starts
// its loop, which stop ends, on a ticker of flush_interval.
func (k *registryKeeper) start(ctx context.Context, host component.Host, stop <-chan struct{}, newTicker func(time.Duration) ticker) error {
	if err := k.openStorage(ctx, host); err != nil {
		return err
	}
	k.done = make(chan struct{})
	go k.loop(stop, newTicker(k.cfg.FlushInterval)) //nolint:gosec // Start's context ends with Start; the loop lives until shutdown
	return nil
}

// loop, every flush_interval, forgets the groups older than max_age and
// writes the registry to its storage when it changed.
func (k *registryKeeper) loop(stop <-chan struct{}, tick ticker) {
	defer close(k.done)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C():
			k.reg.Expire()
			ctx, cancel := context.WithTimeout(context.Background(), k.cfg.FlushInterval)
			k.flush(ctx)
			cancel()
		}
	}
}

// stop waits for the registry's loop, which start's stop ends, then writes
// the registry a last time. Storage errors are logged, not returned.
func (k *registryKeeper) stop(ctx context.Context) error {
	if k.done == nil {
		return nil // never started
	}
	select {
	case <-k.done:
	case <-ctx.Done():
		// The loop may still be writing: the store is its own until it ends.
		return ctx.Err()
	}
	k.closeStorage(ctx)
	return nil
}

// sighting counts a diagnosed span of resource, of texts t, in its error
// group.
func (a *annotator) sighting(resource pcommon.Resource, t *annotationTexts) registry.Sighting {
	if resource != a.resource {
		// The targets of a resource come one after another.
		a.resource = resource
		a.svc, a.version = resourceIdentity(resource)
		a.revision = contract.IdentityAttr(resource.Attributes(), contract.RevisionKey)
	}
	return a.seen.Record(contract.GroupID{Service: a.svc, Fingerprint: t.fingerprint.raw}, registry.Occurrence{
		Version: a.version, Revision: a.revision, Category: t.category.raw, Cause: t.cause.raw,
	})
}
