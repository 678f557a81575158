/** Tunnel frames, their wire layout and the codec that reads and writes them. */
package io.ztna.proto.frame;
