/** Prometheus metrics that every daemon exposes on its admin address. */
package io.ztna.proto.metrics;
