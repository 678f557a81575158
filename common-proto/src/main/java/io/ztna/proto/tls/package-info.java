/** Mutual TLS 1.3 contexts whose peers are authenticated by SPIFFE ids in URI SANs. */
package io.ztna.proto.tls;
