// nlwire/testing: unit-test code built on nlwire without root, namespaces or a kernel.
export { fakeSocket, replayPcap, ack, error, dump, reply, type FakeHandler, type FakeKernel, type FakeReply, type FakeRequest, type FakeSocketOptions } from './fake-kernel.js';
