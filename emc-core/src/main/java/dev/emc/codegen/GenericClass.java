package dev.emc.codegen;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.emc.analysis.CodeNames;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import javax.lang.model.element.Modifier;

/**
 * A generated class made generic in some of its sizes: they are read at construction instead of
 * being constants.
 *
 * <p>The generator writes such a class as it writes a specialized one, the open sizes declared
 * without a value (see {@link JavaGenerator#generateGeneric}). Here every field whose initializer
 * reads an open size, directly or through another such field (an offset, a length, an array),
 * becomes an instance field that the constructor computes, in declaration order; and every static
 * method that reads one becomes an instance method. Nothing else changes, so the class still reads
 * as the specialized one does.
 */
final class GenericClass {
  private GenericClass() {}

  /**
   * {@code type} with the sizes {@code open} read at construction: model names, in the
   * constructor's order, each with what it is in words.
   */
  static TypeSpec of(TypeSpec type, Map<String, String> open, CodeNames names) {
    Set<String> dependent = new HashSet<>();
    List<String> parameters = new ArrayList<>();
    for (String size : open.keySet()) {
      parameters.add(names.constant(size));
    }
    dependent.addAll(parameters);
    TypeSpec.Builder b = TypeSpec.classBuilder(type.name())
        .addJavadoc(type.javadoc())
        .addModifiers(type.modifiers().toArray(Modifier[]::new))
        .addSuperinterfaces(type.superinterfaces());
    MethodSpec.Builder constructor = MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC)
        .addJavadoc("A model of data whose sizes are $L; its parameters are not yet set.\n",
            String.join(", ", parameters));
    CodeBlock.Builder body = CodeBlock.builder();
    int at = 0;
    for (Map.Entry<String, String> size : open.entrySet()) {
      String p = parameters.get(at++);
      constructor.addParameter(TypeName.INT, p, Modifier.FINAL);
      constructor.addJavadoc("$L@param $L the size $L: $L\n", at == 1 ? "\n" : "", p, size.getKey(), size.getValue());
      body.beginControlFlow("if ($L < 1)", p);
      body.addStatement("throw new IllegalArgumentException($S + $L)", p + " must be at least 1, not ", p);
      body.endControlFlow();
      body.addStatement("this.$L = $L", p, p);
    }
    for (FieldSpec f : type.fieldSpecs()) {
      if (f.initializer().isEmpty() || !reads(f.initializer().toString(), dependent)) {
        b.addField(f);
        continue;
      }
      dependent.add(f.name());
      FieldSpec.Builder instance = FieldSpec.builder(f.type(), f.name())
          .addJavadoc(f.javadoc())
          .addModifiers(f.modifiers().stream().filter(m -> m != Modifier.STATIC).toArray(Modifier[]::new));
      b.addField(instance.build());
      body.addStatement("$L = $L", f.name(), f.initializer());
    }
    b.addMethod(constructor.addCode(body.build()).build());
    // A static method that reads an instance field is an instance method now, and so is one that
    // calls such a method: until none is left.
    List<MethodSpec> methods = new ArrayList<>(type.methodSpecs());
    for (boolean changed = true; changed; ) {
      changed = false;
      for (int i = 0; i < methods.size(); i++) {
        MethodSpec m = methods.get(i);
        if (m.modifiers().contains(Modifier.STATIC) && reads(m.code().toString(), dependent)) {
          methods.set(i, instance(m));
          dependent.add(m.name());
          changed = true;
        }
      }
    }
    return b.addMethods(methods).build();
  }

  /** Whether {@code code} names any of {@code names} as a whole word. */
  private static boolean reads(String code, Set<String> names) {
    for (String n : names) {
      if (Pattern.compile("(?<![\\w.])" + Pattern.quote(n) + "\\b").matcher(code).find()) {
        return true;
      }
    }
    return false;
  }

  private static MethodSpec instance(MethodSpec m) {
    return MethodSpec.methodBuilder(m.name())
        .addJavadoc(m.javadoc())
        .addAnnotations(m.annotations())
        .addModifiers(m.modifiers().stream().filter(x -> x != Modifier.STATIC).toArray(Modifier[]::new))
        .returns(m.returnType())
        .addParameters(m.parameters())
        .addExceptions(m.exceptions())
        .varargs(m.varargs())
        .addCode(m.code())
        .build();
  }
}
