/** The shared app and policy model: host patterns, protocols, rules and steering policies. */
package io.ztna.proto.policy;
