/** Relays that move flow bytes between sockets and tunnel streams without copying them. */
package io.ztna.proto.relay;
