/** Accepting and dialling mutual-TLS tunnels, with reconnection for dialled ones. */
package io.ztna.proto.tunnel;
