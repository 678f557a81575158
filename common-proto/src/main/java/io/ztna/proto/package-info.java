/** Code shared by every tier: tunnel protocol, TLS and PKI, config and policy model. */
package io.ztna.proto;
