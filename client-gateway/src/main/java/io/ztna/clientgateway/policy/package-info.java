/** Access decisions: which user may reach which app, and the steering policy that follows. */
package io.ztna.clientgateway.policy;
