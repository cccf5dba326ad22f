package dev.portcullis.build.tomcat9;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ConstantDynamic;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Resolves everything a JAR uses of Tomcat and the Servlet API against one Tomcat's own JAR (such as
 * {@code tomcat-embed-core-9.0.98.jar}), the way the JVM would link it there, without running it:
 *
 * <ol>
 *   <li>every class it names in a Tomcat or Servlet API package exists there;</li>
 *   <li>every field and method it uses whose lookup passes through a Tomcat or Servlet API class is found
 *       there (JVMS 5.4.3.2 and 5.4.3.3: the class, its superclasses, then its superinterfaces), so
 *       that a call to a method only a newer Tomcat has shows with its name, instead of as a
 *       {@code NoSuchMethodError} on the first request that takes that path;</li>
 *   <li>every concrete class that extends or implements a Tomcat or Servlet API type implements each
 *       method that type leaves abstract there (else {@code AbstractMethodError} when Tomcat calls it).</li>
 * </ol>
 *
 * {@link #overrides} lists the methods that override a Tomcat or Servlet API method, so that two
 * editions can be compared: an override that exists only against a newer Tomcat is a method that
 * Tomcat 9 never calls.
 *
 * <p>For a multi-release JAR the class a Java 17+ runtime loads ({@code META-INF/versions/N/...}) is
 * checked, and the base entry it replaces too. The JDK's classes come from the running JDK.
 */
public final class ApiCheck {

    /** Packages of Tomcat and of the Servlet API (both namespaces), as internal-name prefixes. */
    private static final List<String> CONTAINER = List.of("javax/servlet/", "jakarta/servlet/", "org/apache/catalina/",
            "org/apache/tomcat/", "org/apache/coyote/", "org/apache/juli/", "org/apache/naming/", "org/apache/jasper/",
            "org/apache/el/", "jakarta/el/", "javax/el/", "jakarta/security/auth/message/", "javax/security/auth/message/");
    private static final Pattern VERSIONED = Pattern.compile("META-INF/versions/(\\d+)/(.+)");

    /** A class as the checks need it. */
    private record ClassInfo(String name, String superName, List<String> interfaces, int access,
                             Map<String, Integer> methods, Set<String> fields, boolean container) {

        boolean isInterface() {
            return (access & Opcodes.ACC_INTERFACE) != 0;
        }

        boolean isAbstract() {
            return (access & Opcodes.ACC_ABSTRACT) != 0;
        }
    }

    private final Map<String, byte[]> jar;
    /** Base entries that a versioned entry replaces on Java 17+, checked as classes of their own. */
    private final Map<String, byte[]> replacedBaseEntries;
    private final List<ZipFile> api;
    private final Map<String, Optional<ClassInfo>> infos = new HashMap<>();

    private ApiCheck(Map<String, byte[]> jar, Map<String, byte[]> replacedBaseEntries, List<ZipFile> api) {
        this.jar = jar;
        this.replacedBaseEntries = replacedBaseEntries;
        this.api = api;
    }

    /**
     * The problems of {@code jar} against the Tomcat whose classes are in {@code apiJars}, one line each
     * ("CLASS uses ... which this Tomcat does not have"), sorted; empty when everything resolves.
     */
    public static List<String> problems(Path jar, List<Path> apiJars) {
        return open(jar, apiJars, ApiCheck::check);
    }

    /**
     * Every method of {@code jar} that overrides a Tomcat or Servlet API method of the Tomcat in
     * {@code apiJars}, as {@code CLASS.NAME DESCRIPTOR}, with type names passed through {@code rename}.
     */
    public static Set<String> overrides(Path jar, List<Path> apiJars, UnaryOperator<String> rename) {
        return open(jar, apiJars, check -> check.overrides(rename));
    }

    private static <T> T open(Path jarFile, List<Path> apiJars, java.util.function.Function<ApiCheck, T> work) {
        List<ZipFile> api = new ArrayList<>();
        try {
            for (Path path : apiJars) {
                api.add(new ZipFile(path.toFile()));
            }
            Map<String, byte[]> classes = new HashMap<>();
            Map<String, byte[]> versioned = new HashMap<>();
            try (ZipFile zip = new ZipFile(jarFile.toFile())) {
                for (ZipEntry entry : zip.stream().toList()) {
                    String name = entry.getName();
                    if (!name.endsWith(".class") || name.endsWith("module-info.class")) {
                        continue;
                    }
                    try (InputStream in = zip.getInputStream(entry)) {
                        Matcher m = VERSIONED.matcher(name);
                        if (m.matches()) {
                            if (Integer.parseInt(m.group(1)) <= 17) {
                                versioned.put(m.group(2).replaceAll("\\.class$", ""), in.readAllBytes());
                            }
                        } else {
                            classes.put(name.replaceAll("\\.class$", ""), in.readAllBytes());
                        }
                    }
                }
            }
            Map<String, byte[]> replaced = new HashMap<>();
            versioned.forEach((name, bytes) -> {
                byte[] base = classes.put(name, bytes);
                if (base != null) {
                    replaced.put(name, base);
                }
            });
            return work.apply(new ApiCheck(classes, replaced, api));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ZipFile zip : api) {
                try {
                    zip.close();
                } catch (IOException ignored) {
                    // read-only
                }
            }
        }
    }

    static boolean isContainer(String internalName) {
        for (String prefix : CONTAINER) {
            if (internalName.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private List<String> check() {
        Set<String> problems = new TreeSet<>();
        jar.forEach((name, bytes) -> checkClass(name, bytes, problems));
        replacedBaseEntries.forEach((name, bytes) -> {
            // As an old Java sees the JAR: this class is the base entry itself.
            Map<String, byte[]> oldJava = new HashMap<>(jar);
            oldJava.put(name, bytes);
            new ApiCheck(oldJava, Map.of(), api).checkClass(name + " (base entry, for old Java)", bytes, problems);
        });
        return List.copyOf(problems);
    }

    private void checkClass(String label, byte[] bytes, Set<String> problems) {
        References refs = new References();
        new ClassReader(bytes).accept(refs, ClassReader.SKIP_DEBUG);
        for (String type : refs.types) {
            if (isContainer(type) && info(type).isEmpty()) {
                problems.add(label + " uses class " + type + ", which this Tomcat does not have");
            }
        }
        for (Member member : refs.members) {
            if (member.owner().startsWith("[")) {
                continue; // array clone() and length
            }
            Lookup lookup = member.field() ? findField(member.owner(), member.name(), member.descriptor())
                    : findMethod(member.owner(), member.name(), member.descriptor());
            if (!lookup.found() && lookup.touchedContainer()) {
                problems.add(label + " uses " + (member.field() ? "field " : "method ") + member.owner() + "." + member.name()
                        + member.descriptor() + ", which this Tomcat does not have");
            }
        }
        ClassInfo self = classInfo(new ClassReader(bytes), false);
        if (!self.isInterface() && !self.isAbstract()) {
            for (String missing : unimplemented(self)) {
                problems.add(label + " does not implement " + missing + ", which this Tomcat declares abstract");
            }
        }
    }

    /** Abstract methods of Tomcat or Servlet API supertypes with no implementation in the class's hierarchy. */
    private List<String> unimplemented(ClassInfo self) {
        List<String> missing = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (ClassInfo supertype : supertypes(self)) {
            if (!supertype.container()) {
                continue;
            }
            supertype.methods().forEach((key, access) -> {
                if ((access & Opcodes.ACC_ABSTRACT) == 0 || (access & Opcodes.ACC_STATIC) != 0 || !seen.add(key)) {
                    return;
                }
                int paren = key.indexOf('(');
                String name = key.substring(0, paren);
                String descriptor = key.substring(paren);
                if (!hasImplementation(self, name, descriptor)) {
                    missing.add(supertype.name() + "." + key);
                }
            });
        }
        return missing;
    }

    private boolean hasImplementation(ClassInfo self, String name, String descriptor) {
        String key = name + descriptor;
        for (ClassInfo c = self; c != null; c = c.superName() == null ? null : info(c.superName()).orElse(null)) {
            Integer access = c.methods().get(key);
            if (access != null && (access & Opcodes.ACC_STATIC) == 0) {
                return (access & Opcodes.ACC_ABSTRACT) == 0;
            }
        }
        for (ClassInfo supertype : supertypes(self)) {
            Integer access = supertype.isInterface() ? supertype.methods().get(key) : null;
            if (access != null && (access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_STATIC)) == 0) {
                return true; // a default method
            }
        }
        return false;
    }

    private Set<String> overrides(UnaryOperator<String> rename) {
        Set<String> result = new TreeSet<>();
        jar.forEach((name, bytes) -> {
            ClassInfo self = classInfo(new ClassReader(bytes), false);
            List<ClassInfo> supertypes = supertypes(self);
            self.methods().forEach((key, access) -> {
                if ((access & (Opcodes.ACC_STATIC | Opcodes.ACC_PRIVATE)) != 0 || key.startsWith("<")) {
                    return;
                }
                for (ClassInfo supertype : supertypes) {
                    Integer inherited = supertype.container() ? supertype.methods().get(key) : null;
                    if (inherited != null && (inherited & (Opcodes.ACC_STATIC | Opcodes.ACC_PRIVATE)) == 0) {
                        result.add(rename.apply(name) + "." + renameDescriptor(key, rename));
                        return;
                    }
                }
            });
        });
        return result;
    }

    private static String renameDescriptor(String key, UnaryOperator<String> rename) {
        Matcher m = Pattern.compile("L([^;]+);").matcher(key);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement("L" + rename.apply(m.group(1)) + ";"));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Every supertype, transitively, that can be found (superclasses first). */
    private List<ClassInfo> supertypes(ClassInfo self) {
        List<ClassInfo> result = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Deque<String> queue = new ArrayDeque<>();
        if (self.superName() != null) {
            queue.add(self.superName());
        }
        queue.addAll(self.interfaces());
        while (!queue.isEmpty()) {
            String name = queue.poll();
            if (!seen.add(name)) {
                continue;
            }
            info(name).ifPresent(info -> {
                result.add(info);
                if (info.superName() != null) {
                    queue.add(info.superName());
                }
                queue.addAll(info.interfaces());
            });
        }
        return result;
    }

    private record Lookup(boolean found, boolean touchedContainer) {
    }

    private Lookup findField(String owner, String name, String descriptor) {
        boolean touched = isContainer(owner);
        Deque<String> queue = new ArrayDeque<>(List.of(owner));
        Set<String> seen = new HashSet<>();
        while (!queue.isEmpty()) {
            String current = queue.poll();
            if (!seen.add(current)) {
                continue;
            }
            touched |= isContainer(current);
            Optional<ClassInfo> info = info(current);
            if (info.isEmpty()) {
                return new Lookup(false, touched && isContainer(current));
            }
            if (info.get().fields().contains(name + ":" + descriptor)) {
                return new Lookup(true, touched);
            }
            queue.addAll(info.get().interfaces());
            if (info.get().superName() != null) {
                queue.add(info.get().superName());
            }
        }
        return new Lookup(false, touched);
    }

    private Lookup findMethod(String owner, String name, String descriptor) {
        String key = name + descriptor;
        boolean touched = false;
        // The class and its superclasses (JVMS 5.4.3.3 step 2) ...
        List<ClassInfo> chain = new ArrayList<>();
        for (String current = owner; current != null; ) {
            touched |= isContainer(current);
            Optional<ClassInfo> info = info(current);
            if (info.isEmpty()) {
                // An unknown class in the chain: only a Tomcat or Servlet API class missing is this check's business.
                return new Lookup(false, isContainer(current));
            }
            if (info.get().methods().containsKey(key) || isSignaturePolymorphic(info.get(), name)) {
                return new Lookup(true, touched);
            }
            chain.add(info.get());
            current = info.get().superName();
        }
        // ... then every superinterface (step 3).
        for (ClassInfo c : chain) {
            for (ClassInfo supertype : supertypes(c)) {
                touched |= supertype.container();
                if (supertype.isInterface() && supertype.methods().containsKey(key)) {
                    return new Lookup(true, touched);
                }
            }
        }
        return new Lookup(false, touched);
    }

    private static boolean isSignaturePolymorphic(ClassInfo info, String name) {
        return (info.name().equals("java/lang/invoke/MethodHandle") || info.name().equals("java/lang/invoke/VarHandle"))
                && info.methods().keySet().stream().anyMatch(k -> k.startsWith(name + "("));
    }

    /** A class from the JAR under test, the Tomcat API JARs, or the running JDK, in that order. */
    private Optional<ClassInfo> info(String name) {
        Optional<ClassInfo> cached = infos.get(name);
        if (cached != null) {
            return cached;
        }
        Optional<ClassInfo> found = Optional.empty();
        byte[] bytes = jar.get(name);
        boolean container = false;
        if (bytes == null) {
            bytes = fromApi(name);
            container = bytes != null && isContainer(name);
        }
        if (bytes == null && !isContainer(name)) {
            // Never a Tomcat class from this JVM's own class path: only the API JARs given stand for Tomcat.
            try (InputStream in = ClassLoader.getPlatformClassLoader().getResourceAsStream(name + ".class")) {
                bytes = in == null ? null : in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (bytes != null) {
            found = Optional.of(classInfo(new ClassReader(bytes), container));
        }
        infos.put(name, found);
        return found;
    }

    private byte[] fromApi(String name) {
        for (ZipFile zip : api) {
            ZipEntry entry = zip.getEntry(name + ".class");
            if (entry != null) {
                try (InputStream in = zip.getInputStream(entry)) {
                    return in.readAllBytes();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return null;
    }

    private static ClassInfo classInfo(ClassReader reader, boolean container) {
        Map<String, Integer> methods = new HashMap<>();
        Set<String> fields = new HashSet<>();
        int[] access = new int[1];
        String[] superName = new String[1];
        List<String> interfaces = new ArrayList<>();
        reader.accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public void visit(int version, int acc, String name, String signature, String superClass, String[] ifaces) {
                access[0] = acc;
                superName[0] = superClass;
                if (ifaces != null) {
                    interfaces.addAll(List.of(ifaces));
                }
            }

            @Override
            public FieldVisitor visitField(int acc, String name, String descriptor, String signature, Object value) {
                fields.add(name + ":" + descriptor);
                return null;
            }

            @Override
            public MethodVisitor visitMethod(int acc, String name, String descriptor, String signature, String[] exceptions) {
                methods.put(name + descriptor, acc);
                return null;
            }
        }, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        return new ClassInfo(reader.getClassName(), superName[0], List.copyOf(interfaces), access[0], Map.copyOf(methods),
                Set.copyOf(fields), container);
    }

    private record Member(String owner, String name, String descriptor, boolean field) {
    }

    /** Every class a class file names, and every field and method it uses. */
    private static final class References extends ClassVisitor {

        final Set<String> types = new LinkedHashSet<>();
        final Set<Member> members = new LinkedHashSet<>();

        References() {
            super(Opcodes.ASM9);
        }

        private void type(String internalName) {
            if (internalName == null) {
                return;
            }
            Type type = Type.getObjectType(internalName);
            if (type.getSort() == Type.ARRAY) {
                type = type.getElementType();
            }
            if (type.getSort() == Type.OBJECT) {
                types.add(type.getInternalName());
            }
        }

        private void descriptor(String descriptor) {
            Type type = Type.getType(descriptor);
            if (type.getSort() == Type.METHOD) {
                type(type.getReturnType());
                for (Type argument : type.getArgumentTypes()) {
                    type(argument);
                }
            } else {
                type(type);
            }
        }

        private void type(Type type) {
            Type element = type.getSort() == Type.ARRAY ? type.getElementType() : type;
            if (element.getSort() == Type.OBJECT) {
                types.add(element.getInternalName());
            }
        }

        private void constant(Object value) {
            if (value instanceof Type type) {
                if (type.getSort() == Type.METHOD) {
                    descriptor(type.getDescriptor());
                } else {
                    type(type);
                }
            } else if (value instanceof Handle handle) {
                type(handle.getOwner());
                descriptor(handle.getDesc());
                boolean field = handle.getTag() <= Opcodes.H_PUTSTATIC;
                members.add(new Member(handle.getOwner(), handle.getName(), handle.getDesc(), field));
            } else if (value instanceof ConstantDynamic dynamic) {
                descriptor(dynamic.getDescriptor());
                constant(dynamic.getBootstrapMethod());
                for (int i = 0; i < dynamic.getBootstrapMethodArgumentCount(); i++) {
                    constant(dynamic.getBootstrapMethodArgument(i));
                }
            }
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
            type(superName);
            if (interfaces != null) {
                for (String i : interfaces) {
                    type(i);
                }
            }
        }

        @Override
        public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
            descriptor(descriptor);
            return null;
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
            descriptor(descriptor);
            if (exceptions != null) {
                for (String e : exceptions) {
                    type(e);
                }
            }
            return new MethodVisitor(Opcodes.ASM9) {
                @Override
                public void visitTypeInsn(int opcode, String type) {
                    type(type);
                }

                @Override
                public void visitFieldInsn(int opcode, String owner, String fieldName, String fieldDescriptor) {
                    type(owner);
                    descriptor(fieldDescriptor);
                    members.add(new Member(owner, fieldName, fieldDescriptor, true));
                }

                @Override
                public void visitMethodInsn(int opcode, String owner, String methodName, String methodDescriptor, boolean isInterface) {
                    type(owner);
                    descriptor(methodDescriptor);
                    members.add(new Member(owner, methodName, methodDescriptor, false));
                }

                @Override
                public void visitInvokeDynamicInsn(String indyName, String indyDescriptor, Handle bootstrap, Object... arguments) {
                    descriptor(indyDescriptor);
                    constant(bootstrap);
                    for (Object argument : arguments) {
                        constant(argument);
                    }
                }

                @Override
                public void visitLdcInsn(Object value) {
                    constant(value);
                }

                @Override
                public void visitMultiANewArrayInsn(String arrayDescriptor, int dimensions) {
                    descriptor(arrayDescriptor);
                }

                @Override
                public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
                    type(type);
                }
            };
        }
    }
}
