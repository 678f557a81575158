/**
 * Structured log events (flow records and tunnel events as JSON lines), the JSON encoder the
 * daemons' logback configuration uses for them, and a limiter for repeated log lines.
 */
package io.ztna.proto.log;
