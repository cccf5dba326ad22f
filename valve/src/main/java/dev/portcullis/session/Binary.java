package dev.portcullis.session;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.ehcache.spi.serialization.SerializerException;

/**
 * The explicit binary format of cached values: length-prefixed UTF-8 strings, counted lists, epoch
 * milliseconds. Reading checks every length against limits and the bytes left, so a damaged or forged
 * entry (a disk tier, a shared cluster) fails with an exception instead of allocating gigabytes; no
 * class name is ever read, so there is nothing to deserialize into (CVE-2023-25581 class).
 */
final class Binary {

    static final int MAX_STRING_BYTES = 64 * 1024;
    static final int MAX_COUNT = 4096;

    private Binary() {
    }

    /** A growable output buffer. */
    static final class Writer {
        private byte[] bytes = new byte[512];
        private int size;

        Writer writeByte(int value) {
            ensure(1);
            bytes[size++] = (byte) value;
            return this;
        }

        Writer writeInt(int value) {
            ensure(4);
            bytes[size++] = (byte) (value >>> 24);
            bytes[size++] = (byte) (value >>> 16);
            bytes[size++] = (byte) (value >>> 8);
            bytes[size++] = (byte) value;
            return this;
        }

        Writer writeLong(long value) {
            writeInt((int) (value >>> 32));
            return writeInt((int) value);
        }

        Writer writeInstant(Instant value) {
            return writeLong(value == null ? Long.MIN_VALUE : value.toEpochMilli());
        }

        /** A string, or null (length -1). */
        Writer writeString(String value) {
            if (value == null) {
                return writeInt(-1);
            }
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            if (utf8.length > MAX_STRING_BYTES) {
                throw new SerializerException("string of " + utf8.length + " bytes exceeds the cache limit");
            }
            writeInt(utf8.length);
            ensure(utf8.length);
            System.arraycopy(utf8, 0, bytes, size, utf8.length);
            size += utf8.length;
            return this;
        }

        Writer writeStrings(List<String> values) {
            count(values.size());
            writeInt(values.size());
            for (String value : values) {
                writeString(value);
            }
            return this;
        }

        Writer writeMultimap(Map<String, List<String>> map) {
            count(map.size());
            writeInt(map.size());
            for (Map.Entry<String, List<String>> entry : map.entrySet()) {
                writeString(entry.getKey());
                writeStrings(entry.getValue());
            }
            return this;
        }

        ByteBuffer toBuffer() {
            return ByteBuffer.wrap(Arrays.copyOf(bytes, size));
        }

        private static void count(int count) {
            if (count > MAX_COUNT) {
                throw new SerializerException("collection of " + count + " exceeds the cache limit");
            }
        }

        private void ensure(int more) {
            if (size + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
            }
        }
    }

    /** Reads what {@link Writer} wrote, checking every length. */
    static final class Reader {
        private final ByteBuffer buffer;

        Reader(ByteBuffer buffer) {
            this.buffer = buffer.duplicate();
        }

        int readByte() {
            try {
                return buffer.get() & 0xff;
            } catch (BufferUnderflowException e) {
                throw new SerializerException("truncated cache entry");
            }
        }

        int readInt() {
            try {
                return buffer.getInt();
            } catch (BufferUnderflowException e) {
                throw new SerializerException("truncated cache entry");
            }
        }

        long readLong() {
            try {
                return buffer.getLong();
            } catch (BufferUnderflowException e) {
                throw new SerializerException("truncated cache entry");
            }
        }

        Instant readInstant() {
            long millis = readLong();
            return millis == Long.MIN_VALUE ? null : Instant.ofEpochMilli(millis);
        }

        String readString() {
            int length = readInt();
            if (length == -1) {
                return null;
            }
            if (length < 0 || length > MAX_STRING_BYTES || length > buffer.remaining()) {
                throw new SerializerException("bad string length " + length + " in cache entry");
            }
            byte[] utf8 = new byte[length];
            buffer.get(utf8);
            return new String(utf8, StandardCharsets.UTF_8);
        }

        List<String> readStrings() {
            int count = readCount();
            List<String> values = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                values.add(readString());
            }
            return values;
        }

        Map<String, List<String>> readMultimap() {
            int count = readCount();
            Map<String, List<String>> map = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                map.put(readString(), readStrings());
            }
            return map;
        }

        void expectEnd() {
            if (buffer.hasRemaining()) {
                throw new SerializerException(buffer.remaining() + " unexpected bytes after a cache entry");
            }
        }

        private int readCount() {
            int count = readInt();
            if (count < 0 || count > MAX_COUNT || count > buffer.remaining()) {
                throw new SerializerException("bad count " + count + " in cache entry");
            }
            return count;
        }
    }
}
