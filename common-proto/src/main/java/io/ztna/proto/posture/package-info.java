/** Device posture: what an agent reports about its device and the conditions rules test. */
package io.ztna.proto.posture;
