/** The shared app and policy model: host patterns, app catalog, rules and steering policies. */
package io.ztna.proto.policy;
