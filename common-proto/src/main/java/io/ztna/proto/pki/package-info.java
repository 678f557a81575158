/** A file-based certificate authority that issues SPIFFE-style leaf certificates, and its CLI. */
package io.ztna.proto.pki;
