/** DNS over the tunnel: raw queries to upstream resolvers and correlation of answers per hop. */
package io.ztna.proto.dns;
