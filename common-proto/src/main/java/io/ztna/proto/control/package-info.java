/** Control messages carried in CONTROL frames on stream 0, as JSON. */
package io.ztna.proto.control;
