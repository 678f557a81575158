/**
 * Access decisions: which user may reach which app, and the steering policy that follows. Also
 * the {@code policy check} and {@code policy explain} commands, which read the same files.
 */
package io.ztna.clientgateway.policy;
