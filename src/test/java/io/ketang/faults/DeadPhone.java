package io.ketang.faults;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A phone whose app runs but whose network stopped delivering: it joins a room over a plain
 * socket with a small receive buffer, then never reads again while it goes on heartbeating. The
 * server's writes to it back up at once, as they would to a phone in a tunnel, instead of filling
 * the megabytes of kernel buffers a loopback connection has (the JDK's WebSocket client cannot
 * make its buffer small).
 */
final class DeadPhone implements AutoCloseable {

    private final Socket socket;
    private final OutputStream out;

    private DeadPhone(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
    }

    /** Connects to the node's {@code /ws}, says hello with the token and joins the room; reads until joined. */
    static DeadPhone join(URI node, String token, String room) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.setSoTimeout(15_000);
        socket.connect(new InetSocketAddress(node.getHost(), node.getPort()), 5_000);
        DeadPhone phone = new DeadPhone(socket);
        String host = node.getHost() + ":" + node.getPort();
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        phone.out.write(("GET /ws HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: ketang.v1\r\nOrigin: http://" + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        String head = readHead(in);
        if (!head.startsWith("HTTP/1.1 101")) {
            socket.close();
            throw new IOException("no upgrade: " + head.lines().findFirst().orElse(""));
        }
        phone.send("{\"type\":\"hello\",\"token\":\"" + token + "\",\"terminal\":\"app\"}");
        phone.send("{\"type\":\"join\",\"id\":1,\"room\":\"" + room + "\"}");
        while (true) {
            String frame = readText(in);
            if (frame.contains("\"type\":\"joined\"")) {
                return phone;
            }
            if (frame.contains("\"type\":\"error\"") && frame.contains("\"id\":1")) {
                socket.close();
                throw new IOException("join refused: " + frame);
            }
        }
    }

    /** A heartbeat, as the app still sends; false once the server has cut the connection. */
    boolean beat() {
        try {
            send("{\"type\":\"hb\"}");
            return true;
        } catch (IOException cut) {
            return false;
        }
    }

    /** One masked text frame, as a client must send. */
    private synchronized void send(String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 8);
        frame.write(0x81);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xff);
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        frame.write(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i & 3]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed during the handshake");
            }
            head.write(b);
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    /** The next text frame from the server (unmasked, unfragmented: what Ketang sends). */
    private static String readText(InputStream in) throws IOException {
        int first = in.read();
        int second = in.read();
        if (first < 0 || second < 0) {
            throw new IOException("closed before joined");
        }
        long length = second & 0x7f;
        if (length == 126) {
            length = (in.read() << 8) | in.read();
        } else if (length == 127) {
            length = 0;
            for (int i = 0; i < 8; i++) {
                length = (length << 8) | in.read();
            }
        }
        byte[] payload = in.readNBytes((int) length);
        return new String(payload, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // gone already
        }
    }
}
