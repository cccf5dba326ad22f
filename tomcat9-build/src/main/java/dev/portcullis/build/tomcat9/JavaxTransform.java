package dev.portcullis.build.tomcat9;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.commons.ClassRemapper;
import org.objectweb.asm.commons.Remapper;

/**
 * Makes the Tomcat 9 (javax.servlet) form of a JAR or WAR built for Tomcat 10.1/11 (jakarta.servlet),
 * by the {@link Rules} in {@code jakarta-to-javax.rules}:
 *
 * <ul>
 *   <li>every class file that names a renamed package is rewritten with ASM's {@link ClassRemapper}, which
 *       visits every place a class file names a type (constant pool, descriptors, generic signatures,
 *       record components, annotations, stack map frames, invokedynamic arguments); string constants that
 *       start with a renamed package are renamed too. Other class files are copied byte for byte;</li>
 *   <li>{@code META-INF/services/} files of a renamed interface move to the new name, and their contents
 *       are renamed;</li>
 *   <li>calls Tomcat 9 cannot link are made to the method it has instead ({@code call} rules);</li>
 *   <li>deployment descriptors ({@code web.xml}, {@code web-fragment.xml}) get the literal renames;</li>
 *   <li>everything else, including the libraries a WAR bundles in {@code WEB-INF/lib}, is copied as it is:
 *       a webapp's own libraries are its owner's choice.</li>
 * </ul>
 *
 * <p>Fails, naming the entry, when a rewritten class still names a class of a renamed package, or a descriptor
 * still has a Jakarta EE namespace: the output is then not fit for Tomcat 9, and the rules need another line.
 *
 * <p>With {@code --old-java-entry ENTRY=STUB}, the output is a multi-release JAR: {@code ENTRY} (the
 * class Tomcat loads by name) moves to {@code META-INF/versions/RELEASE/}, where only a Java RELEASE+
 * runtime looks, and the class file {@code STUB} (compiled for an old Java) takes its place for older
 * runtimes, so that they can load it and say in one sentence which Java is needed.
 *
 * <pre>
 * JavaxTransform INPUT OUTPUT [--old-java-entry dev/portcullis/SsoValve.class=STUB.class [--release 17]]
 * </pre>
 */
public final class JavaxTransform {

    private static final Set<String> DESCRIPTORS = Set.of("WEB-INF/web.xml", "WEB-INF/web-fragment.xml", "META-INF/web-fragment.xml");
    private static final String SERVICES = "META-INF/services/";

    private final Rules rules;

    public JavaxTransform(Rules rules) {
        this.rules = rules;
    }

    /** What a run changed. */
    public record Result(int entries, int classesRewritten, int otherEntriesRewritten) {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2 && args.length != 4 && args.length != 6) {
            throw new IllegalArgumentException("usage: JavaxTransform INPUT OUTPUT [--old-java-entry ENTRY=STUB.class [--release N]]");
        }
        Path input = Path.of(args[0]);
        Path output = Path.of(args[1]);
        String oldJavaEntry = null;
        Path stub = null;
        int release = 17;
        for (int i = 2; i < args.length; i += 2) {
            switch (args[i]) {
                case "--old-java-entry" -> {
                    String[] pair = args[i + 1].split("=", 2);
                    if (pair.length != 2) {
                        throw new IllegalArgumentException("--old-java-entry takes ENTRY=STUB.class, got [" + args[i + 1] + "]");
                    }
                    oldJavaEntry = pair[0];
                    stub = Path.of(pair[1]);
                }
                case "--release" -> release = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        JavaxTransform transform = new JavaxTransform(Rules.jakartaToJavax());
        Result result = oldJavaEntry == null ? transform.transform(input, output)
                : transform.transform(input, output, oldJavaEntry, Files.readAllBytes(stub), release);
        System.out.printf("JavaxTransform: %s -> %s: %d entries, %d classes and %d other entries renamed for javax.servlet%s%n",
                input.getFileName(), output.getFileName(), result.entries(), result.classesRewritten(),
                result.otherEntriesRewritten(), oldJavaEntry == null ? "" : ", " + oldJavaEntry + " for Java " + release + "+ only");
    }

    /** The javax form of {@code input}, written to {@code output}. */
    public Result transform(Path input, Path output) throws IOException {
        return transform(input, output, null, null, 0);
    }

    /** The same, as a multi-release JAR whose {@code oldJavaEntry} is {@code stub} below Java {@code release}. */
    public Result transform(Path input, Path output, String oldJavaEntry, byte[] stub, int release) throws IOException {
        List<String> leftovers = new ArrayList<>();
        int entries = 0;
        int classes = 0;
        int others = 0;
        boolean sawOldJavaEntry = false;
        Path partial = output.resolveSibling(output.getFileName() + ".part");
        try (ZipFile zip = new ZipFile(input.toFile());
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(partial))) {
            Set<String> written = new LinkedHashSet<>();
            for (ZipEntry entry : zip.stream().toList()) {
                String name = entry.getName();
                entries++;
                if (entry.isDirectory()) {
                    write(out, written, entry, name, null);
                    continue;
                }
                byte[] bytes;
                try (InputStream in = zip.getInputStream(entry)) {
                    bytes = in.readAllBytes();
                }
                String newName = name;
                byte[] newBytes = bytes;
                if (name.endsWith(".class")) {
                    if (mentions(bytes) || mayCall(bytes)) {
                        newBytes = rewriteClass(bytes);
                        classes++;
                        Set<String> left = namesLeft(newBytes);
                        if (!left.isEmpty()) {
                            leftovers.add(name + " still names " + String.join(", ", left));
                        }
                    }
                } else if (name.startsWith(SERVICES) && name.length() > SERVICES.length()) {
                    newName = SERVICES + rules.constant(name.substring(SERVICES.length()));
                    newBytes = renameLines(bytes);
                } else if (DESCRIPTORS.contains(name)) {
                    String text = rules.descriptor(new String(bytes, StandardCharsets.UTF_8));
                    if (rules.mentionsRenamedText(text)) {
                        leftovers.add(name + " still has a Jakarta EE namespace or schema the rules do not rename");
                    }
                    newBytes = text.getBytes(StandardCharsets.UTF_8);
                } else if (name.equals(JarFile.MANIFEST_NAME) && oldJavaEntry != null) {
                    Manifest manifest = new Manifest(new ByteArrayInputStream(bytes));
                    manifest.getMainAttributes().put(new Attributes.Name("Multi-Release"), "true");
                    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
                    manifest.write(buffer);
                    newBytes = buffer.toByteArray();
                }
                if (!name.endsWith(".class") && (!newName.equals(name) || !java.util.Arrays.equals(newBytes, bytes))) {
                    others++;
                }
                if (name.equals(oldJavaEntry)) {
                    sawOldJavaEntry = true;
                    write(out, written, entry, "META-INF/versions/" + release + "/" + name, newBytes);
                    write(out, written, entry, name, stub);
                } else {
                    write(out, written, entry, newName, newBytes);
                }
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        if (oldJavaEntry != null && !sawOldJavaEntry) {
            leftovers.add(oldJavaEntry + " is not in " + input.getFileName());
        }
        if (!leftovers.isEmpty()) {
            Files.deleteIfExists(partial);
            throw new IllegalStateException("the javax form of " + input.getFileName() + " is not fit for Tomcat 9:\n  "
                    + String.join("\n  ", leftovers));
        }
        Files.move(partial, output, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return new Result(entries, classes, others);
    }

    private static void write(ZipOutputStream out, Set<String> written, ZipEntry original, String name, byte[] bytes) throws IOException {
        if (!written.add(name)) {
            throw new IllegalStateException("two entries named " + name + " after renaming");
        }
        ZipEntry entry = new ZipEntry(name);
        // Keep the input's time stamps, so that the output changes only when the input does.
        entry.setTime(original.getTime());
        out.putNextEntry(entry);
        if (bytes != null) {
            out.write(bytes);
        }
        out.closeEntry();
    }

    /** Whether a class file's bytes name a renamed package (ASCII names are stored as they are in class files). */
    private boolean mentions(byte[] bytes) {
        return rules.mentionsRenamedPackage(new String(bytes, StandardCharsets.ISO_8859_1));
    }

    /**
     * The class names (in descriptors, signatures, constants ...) of a rewritten class that still start with a
     * renamed package: ASM hands every one of them to a remapper, here one that only looks. String constants
     * are text, not names: "see jakarta.servlet" in a message may stay.
     */
    Set<String> namesLeft(byte[] bytes) {
        Set<String> left = new java.util.TreeSet<>();
        new ClassReader(bytes).accept(new ClassRemapper(new ClassVisitor(Opcodes.ASM9) { }, new Remapper() {
            @Override
            public String map(String internalName) {
                if (!rules.internalName(internalName).equals(internalName)) {
                    left.add(internalName.replace('/', '.'));
                }
                return internalName;
            }
        }), 0);
        return left;
    }

    /** Whether a class file may make a call a {@code call} rule rewrites (it names the owner). */
    private boolean mayCall(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        return rules.calls().stream().anyMatch(call -> text.contains(call.owner()));
    }

    byte[] rewriteClass(byte[] bytes) {
        ClassReader reader = new ClassReader(bytes);
        // A fresh writer (not one sharing the reader's constant pool), so that no old name survives as an unused
        // constant; frames are remapped as they are, never recomputed (that would need the classes loaded).
        ClassWriter writer = new ClassWriter(0);
        reader.accept(new ClassRemapper(new CallRewriter(writer, rules.calls()), new Remapper() {
            @Override
            public String map(String internalName) {
                return rules.internalName(internalName);
            }

            @Override
            public Object mapValue(Object value) {
                return value instanceof String text ? rules.constant(text) : super.mapValue(value);
            }
        }), 0);
        return writer.toByteArray();
    }

    /** Applies the {@code call} rules: pushes null, swaps it under the last argument, calls the other descriptor. */
    private static final class CallRewriter extends ClassVisitor {

        private final List<Rules.Call> calls;

        CallRewriter(ClassVisitor next, List<Rules.Call> calls) {
            super(Opcodes.ASM9, next);
            this.calls = calls;
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
            MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
            return new MethodVisitor(Opcodes.ASM9, next) {
                private boolean rewritten;

                @Override
                public void visitMethodInsn(int opcode, String owner, String methodName, String methodDescriptor, boolean isInterface) {
                    for (Rules.Call call : calls) {
                        if (call.owner().equals(owner) && call.name().equals(methodName) && call.from().equals(methodDescriptor)) {
                            super.visitInsn(Opcodes.ACONST_NULL);
                            super.visitInsn(Opcodes.SWAP);
                            super.visitMethodInsn(opcode, owner, methodName, call.to(), isInterface);
                            rewritten = true;
                            return;
                        }
                    }
                    super.visitMethodInsn(opcode, owner, methodName, methodDescriptor, isInterface);
                }

                @Override
                public void visitMaxs(int maxStack, int maxLocals) {
                    // The null takes one more stack slot for a moment.
                    super.visitMaxs(rewritten ? maxStack + 1 : maxStack, maxLocals);
                }
            };
        }
    }

    private byte[] renameLines(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        StringBuilder renamed = new StringBuilder();
        for (String line : text.split("(?<=\\n)")) {
            String content = line.stripTrailing();
            renamed.append(content.startsWith("#") ? content : rules.constant(content)).append(line.substring(content.length()));
        }
        return renamed.toString().getBytes(StandardCharsets.UTF_8);
    }
}
