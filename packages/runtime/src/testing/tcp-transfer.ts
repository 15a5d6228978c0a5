/**
 * A TCP transfer over loopback with a chosen congestion control, run by a Python child (the socket
 * option TCP_CONGESTION is one call there): it sends `bytes` and returns the congestion control the
 * socket really used, so a struct_ops test can see its programs chosen and run.
 */
import { execFileSync } from "node:child_process";

export function tcpTransfer(congestionControl: string, bytes: number): string {
  const script = `
import socket, threading
srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen(1)
port = srv.getsockname()[1]
def serve():
    c, _ = srv.accept()
    while c.recv(65536): pass
    c.close()
t = threading.Thread(target=serve); t.start()
s = socket.socket()
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, ${JSON.stringify(congestionControl)}.encode())
s.connect(("127.0.0.1", port))
s.sendall(b"x" * ${bytes})
print(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, 16).rstrip(b"\\0").decode())
s.close(); t.join()
`;
  return execFileSync("python3", ["-c", script]).toString().trim();
}
