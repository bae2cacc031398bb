package errordiagnosisprocessor // import "github.com/errordiagnosis/errordiagnosisprocessor"

import (
	"context"
	"errors"
	"fmt"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/extension/xextension/storage"
	"go.uber.org/zap"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/fingerprint"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/registry"
)

// The fingerprint registry in a storage extension (docs/design.md §4.2):
// loaded at start, written by the registry's loop when it changed and once
// more at shutdown. Only a configuration error (no such extension, not a
// storage extension) fails; anything storage does wrong is logged, counted,
// and the registry carries on in memory. Spans never wait for storage.

// registryStorageKey is the key of the registry in its storage client.
const registryStorageKey = "registry"

// Operations of the registry_storage_failures metric.
const (
	operationLoad  = "load"
	operationFlush = "flush"
)

// registryStore is the registry's storage client. Only one goroutine uses
// it at a time: start, then the registry's loop, then shutdown.
type registryStore struct {
	id     component.ID
	client storage.Client
	// written is registry.Changed() when the stored registry was last
	// written or read; rewrite forces the next flush (what is stored could
	// not be read).
	written uint64
	rewrite bool
	// failing: the last flush failed, which was logged; the next failures
	// are only counted, until a flush succeeds.
	failing bool
}

// openStorage opens the storage extension of the configuration and loads
// the registry from it.
func (k *registryKeeper) openStorage(ctx context.Context, host component.Host) error {
	if k.storage == nil {
		return nil
	}
	id := *k.storage
	ext, ok := host.GetExtensions()[id]
	if !ok {
		return fmt.Errorf("storage: no extension %q is configured; add it under extensions and service.extensions (e.g. file_storage), or remove storage", id)
	}
	se, ok := ext.(storage.Extension)
	if !ok {
		return fmt.Errorf("storage: extension %q is not a storage extension; name one such as file_storage, or remove storage", id)
	}
	log := k.logger.With(zap.String("storage", id.String()))
	client, err := se.GetClient(ctx, component.KindProcessor, k.id, "")
	if err != nil {
		log.Warn("The fingerprint registry could not open its storage: it is kept in memory only and starts empty after a restart.", zap.Error(err))
		k.counters.storageFailure(ctx, operationLoad)
		return nil
	}
	k.store = &registryStore{id: id, client: client}
	k.load(ctx, log)
	return nil
}

func (k *registryKeeper) load(ctx context.Context, log *zap.Logger) {
	s := k.store
	data, err := s.client.Get(ctx, registryStorageKey)
	switch {
	case err != nil:
		log.Warn("The fingerprint registry could not be read from storage: it starts empty, and the next flush replaces what is stored.", zap.Error(err))
		k.counters.storageFailure(ctx, operationLoad)
		s.rewrite = true
	case data == nil:
		log.Info("No fingerprint registry in storage yet: it starts empty.")
	default:
		st, err := registry.Decode(data)
		if err != nil {
			log.Warn("The fingerprint registry in storage is unreadable: it starts empty, and the next flush replaces it.", zap.Int("bytes", len(data)), zap.Error(err))
			k.counters.storageFailure(ctx, operationLoad)
			s.rewrite = true
			break
		}
		if st.Scheme != fingerprint.Scheme {
			log.Info("The stored error groups have fingerprints of another scheme, which would never match again: they are dropped, the services' versions kept.",
				zap.String("stored_scheme", st.Scheme), zap.String("scheme", fingerprint.Scheme), zap.Int("groups", len(st.Groups)))
			st.Groups = nil
		}
		k.reg.Restore(st)
		log.Info("Fingerprint registry loaded from storage.", zap.Int("groups", k.reg.Len()), zap.Int("services", len(st.Services)))
	}
	s.written = k.reg.Changed()
}

// flush writes the registry to storage when it changed since it was last
// written.
func (k *registryKeeper) flush(ctx context.Context) {
	s := k.store
	if s == nil {
		return
	}
	changed := k.reg.Changed()
	if changed == s.written && !s.rewrite {
		return
	}
	data := registry.Encode(k.reg.Snapshot(fingerprint.Scheme))
	if err := s.client.Set(ctx, registryStorageKey, data); err != nil {
		k.counters.storageFailure(ctx, operationFlush)
		if !s.failing {
			msg := "The fingerprint registry could not be written to storage: it carries on in memory, and is written again every flush_interval."
			if errors.Is(err, storage.ErrStorageFull) {
				msg = "The fingerprint registry could not be written: the storage is full. It carries on in memory, and is written again every flush_interval."
			}
			k.logger.Error(msg, zap.String("storage", s.id.String()), zap.Int("bytes", len(data)), zap.Error(err))
		}
		s.failing = true
		return
	}
	if s.failing {
		k.logger.Info("The fingerprint registry is written to storage again.", zap.String("storage", s.id.String()))
	}
	s.written, s.rewrite, s.failing = changed, false, false
}

// closeStorage writes the registry a last time and closes the client.
func (k *registryKeeper) closeStorage(ctx context.Context) {
	s := k.store
	if s == nil {
		return
	}
	k.flush(ctx)
	if err := s.client.Close(ctx); err != nil {
		k.logger.Warn("The fingerprint registry's storage client did not close cleanly.", zap.String("storage", s.id.String()), zap.Error(err))
	}
	k.store = nil
}
