'use strict';
// The OpenTelemetry setup Prisma's tracing guide gives: the Node SDK with
// auto-instrumentations-node's defaults (what its register does) and
// @prisma/instrumentation, which traces Prisma Client's operations. Exporters
// come from the OTEL_* environment. Loaded with `node --require`.
const { NodeSDK } = require('@opentelemetry/sdk-node');
const { getNodeAutoInstrumentations, getResourceDetectors } = require('@opentelemetry/auto-instrumentations-node');
const { PrismaInstrumentation } = require('@prisma/instrumentation');

const sdk = new NodeSDK({
  instrumentations: [getNodeAutoInstrumentations(), new PrismaInstrumentation()],
  resourceDetectors: getResourceDetectors(),
});
sdk.start();
process.on('SIGTERM', () => sdk.shutdown().finally(() => process.exit(0)));
