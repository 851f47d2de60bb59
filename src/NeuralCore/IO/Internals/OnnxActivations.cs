using System.Globalization;
using System.Text;

namespace NeuralCore.IO.Internals;

/// <summary>
/// The one place where NeuralCore's activations meet ONNX, in both directions: <see cref="Emit{T}"/> writes each
/// <see cref="ActivationKind"/> as ONNX nodes, and <see cref="Match"/> recognises the nodes after a dense layer as an
/// activation — the single ops, the patterns PyTorch 1.13 exports (GELU's erf and tanh forms, SiLU as
/// <c>Mul(x, Sigmoid(x))</c>), and the double-precision forms <see cref="Emit{T}"/> writes.
/// </summary>
/// <remarks>
/// <para>Recognised after a layer's output x (Mul and Add in any operand order and nesting; Div by a constant c read as
/// Mul by 1/c; Sub of a constant as Add of its negation; Pow(x, 3) as x·x·x):</para>
/// <code>
/// Relu(x) Sigmoid(x) Tanh(x) Softplus(x)       the kinds of the same names
/// LeakyRelu(x; alpha) Elu(x; alpha)            alpha → negative_slope / alpha
/// Softmax(x; axis)                             axis 1 or −1 on [batch, features] (both opset rules agree there)
/// Gelu(x; approximate) (opset ≥ 20)            gelu / gelu_tanh
/// x · Sigmoid(x)                               silu
/// 0.5 · x · (1 + Erf(x / √2))                  gelu (torch 1.13's export of nn.GELU())
/// 0.5 · x · (1 + Tanh(√(2/π) · (x + 0.044715 · x³)))   gelu_tanh (nn.GELU(approximate='tanh'))
/// Where(Greater(x, 0), x, s · x)               leaky_relu(s)  (written for double networks)
/// Where(Greater(x, 0), x, α · (Exp(x) − 1))    elu(α)         (written for double networks)
/// Relu(x) + Log(1 + Exp(−Abs(x)))              softplus       (written for double networks)
/// </code>
/// <para>Pattern constants must equal the exact value to within 4 units in the last place of their element type.
/// Float attributes (LeakyRelu's and Elu's alpha) become the double with the same shortest decimal form (0.2f → 0.2),
/// the value a PyTorch user wrote.</para>
/// <para>Double networks are written with the expanded forms for leaky relu, ELU and softplus because a float attribute
/// cannot hold a double slope or α exactly, and because ONNX Runtime (1.31) has no double kernel for Elu or Softplus.
/// GELU is written as the erf pattern for both types; ONNX Runtime has no double Erf kernel, so double GELU models
/// run only in runtimes that implement it.</para>
/// </remarks>
internal static class OnnxActivations
{
    /// <summary>The most nodes one activation may span (GELU's tanh form has 13 with its constants outside).</summary>
    public const int MaxPatternNodes = 32;

    /// <summary>The most terms (x, constants, ops) one activation's expression may have once its shared values are unfolded.</summary>
    public const int MaxPatternTerms = 128;

    private static readonly string[] s_patternOps =
        ["Relu", "Sigmoid", "Tanh", "LeakyRelu", "Softmax", "Elu", "Softplus", "Gelu", "Mul", "Div", "Add", "Sub", "Erf", "Pow", "Where", "Greater", "Exp", "Log", "Abs", "Neg", "Identity"];

    /// <summary>The activations recognised, for error messages.</summary>
    public const string Supported =
        "Relu, Sigmoid, Tanh, LeakyRelu, Softmax, Elu, Softplus, Gelu (opset ≥ 20), x·Sigmoid(x) (SiLU), and the GELU erf / tanh patterns";

    /// <summary>Whether <paramref name="opType"/> can be part of an activation.</summary>
    public static bool IsActivationOp(string opType) => s_patternOps.Contains(opType);

    // ---------------------------------------------------------------- export

    /// <summary>Writes <paramref name="activation"/> applied to <paramref name="x"/>; returns the name of its result.</summary>
    public static string Emit<T>(OnnxExportBuilder<T> b, Activation activation, string x)
        where T : unmanaged
    {
        var isDouble = typeof(T) == typeof(double);
        var p = activation.Parameter;
        switch (activation.Kind)
        {
            case ActivationKind.Linear:
                return x;
            case ActivationKind.Sigmoid:
                return b.Node("Sigmoid", x);
            case ActivationKind.Relu:
                return b.Node("Relu", x);
            case ActivationKind.Tanh:
                return b.Node("Tanh", x);
            case ActivationKind.Softmax:
                return b.Node("Softmax", [x], [OnnxExportBuilder<T>.IntAttribute("axis", -1)]);
            case ActivationKind.LeakyRelu when isDouble:
                return b.Node("Where", b.Node("Greater", x, b.Scalar(0)), x, b.Node("Mul", x, b.Scalar(p)));
            case ActivationKind.LeakyRelu:
                return b.Node("LeakyRelu", [x], [OnnxExportBuilder<T>.FloatAttribute("alpha", (float)p)]);
            case ActivationKind.Elu when isDouble:
                var expm1 = b.Node("Sub", b.Node("Exp", x), b.Scalar(1));
                return b.Node("Where", b.Node("Greater", x, b.Scalar(0)), x, b.Node("Mul", b.Scalar(p), expm1));
            case ActivationKind.Elu:
                return b.Node("Elu", [x], [OnnxExportBuilder<T>.FloatAttribute("alpha", (float)p)]);
            case ActivationKind.Softplus when isDouble:
                var log = b.Node("Log", b.Node("Add", b.Scalar(1), b.Node("Exp", b.Node("Neg", b.Node("Abs", x)))));
                return b.Node("Add", b.Node("Relu", x), log);
            case ActivationKind.Softplus:
                return b.Node("Softplus", x);
            case ActivationKind.Silu:
                return b.Node("Mul", x, b.Node("Sigmoid", x));
            case ActivationKind.Gelu:
                // torch 1.13's form: x · (1 + erf(x / √2)) · 0.5.
                var erf = b.Node("Erf", b.Node("Div", x, b.Scalar(Math.Sqrt(2))));
                return b.Node("Mul", b.Node("Mul", x, b.Node("Add", erf, b.Scalar(1))), b.Scalar(0.5));
            case ActivationKind.GeluTanh:
                var cube = b.Node("Mul", x, b.Node("Mul", x, x));
                var inner = b.Node("Mul", b.Scalar(Math.Sqrt(2 / Math.PI)), b.Node("Add", x, b.Node("Mul", b.Scalar(0.044715), cube)));
                return b.Node("Mul", b.Scalar(0.5), b.Node("Mul", x, b.Node("Add", b.Scalar(1), b.Node("Tanh", inner))));
        }

        throw new ArgumentOutOfRangeException(nameof(activation), activation.Kind, $"Activation kind {(int)activation.Kind} is not defined; expected one of: {ActivationNames.ValidNames}.");
    }

    // ---------------------------------------------------------------- import

    private abstract record Expr;

    private sealed record XExpr : Expr;

    private sealed record ConstExpr(double Value, int DataType) : Expr;

    private sealed record OpExpr(OnnxNode Node, Expr[] Args) : Expr
    {
        public string Op => Node.OpType;
    }

    /// <summary>
    /// The activation applied to <paramref name="x"/> (the output of <paramref name="layer"/>'s dense part), and the
    /// value it produces. No activation node reading x means Linear.
    /// </summary>
    public static (Activation Activation, string Output) Match(OnnxGraphView view, string x, int opset, OnnxNode layer)
    {
        // The region: nodes of activation op types reachable from x without passing a dense layer.
        var region = new List<OnnxNode>();
        var values = new HashSet<string>(StringComparer.Ordinal) { x };
        var queue = new Queue<string>();
        queue.Enqueue(x);
        while (queue.TryDequeue(out var value))
        {
            if (value == view.Output.Name)
            {
                continue;
            }

            foreach (var node in view.Consumers(value))
            {
                if (!IsActivationOp(node.OpType) || node.Domain is not ("" or "ai.onnx") || region.Contains(node) || view.IsUsed(node))
                {
                    continue;
                }

                if (region.Count == MaxPatternNodes)
                {
                    throw view.Error(layer, string.Create(CultureInfo.InvariantCulture, $"the activation after this layer spans more than {MaxPatternNodes} nodes; supported: {Supported}."));
                }

                region.Add(node);
                foreach (var output in node.Outputs)
                {
                    if (values.Add(output))
                    {
                        queue.Enqueue(output);
                    }
                }
            }
        }

        // Exactly one value may leave the region: read by a node outside it, or the graph output.
        var sinks = values.Where(v => v == view.Output.Name || view.Consumers(v).Any(c => !region.Contains(c))).ToList();
        if (region.Count == 0)
        {
            return (Activation.Linear, x);
        }

        if (sinks.Count != 1 || sinks[0] == x)
        {
            var leaving = string.Join(", ", sinks.Select(s => $"'{s}'"));
            throw view.Error(layer, $"the activation after this layer does not end in one value (values leaving it: {(leaving.Length == 0 ? "none" : leaving)}); a layer's output must flow through one activation to the next layer.");
        }

        var budget = MaxPatternTerms;
        var expr = Build(view, sinks[0], x, region, 0, ref budget);
        var activation = Recognise(view, expr, opset) ?? throw view.Error(
            region[0],
            $"the nodes after {layer} ({Describe(expr)}) are not an activation NeuralCore supports; supported: {Supported}.");
        Use(view, expr);
        return (activation, sinks[0]);
    }

    private static Expr Build(OnnxGraphView view, string value, string x, List<OnnxNode> region, int depth, ref int budget)
    {
        // A region whose nodes read each other's outputs several times (Mul(a, a) chains) unfolds into a tree that can
        // grow exponentially; the budget bounds the work long before that.
        if (--budget < 0)
        {
            throw view.Error(region[0], string.Create(CultureInfo.InvariantCulture, $"the activation's expression has more than {MaxPatternTerms} terms; supported: {Supported}."));
        }

        if (value == x)
        {
            return new XExpr();
        }

        var producer = view.Producer(value);
        if (producer is not null && region.Contains(producer) && depth <= MaxPatternNodes)
        {
            if (producer.Outputs.Count != 1)
            {
                throw view.Error(producer, "expected one output.");
            }

            for (var i = 0; i < producer.Inputs.Count; i++)
            {
                if (producer.Inputs[i].Length == 0)
                {
                    // An omitted optional input has no producer or reader to name; no op of the patterns omits one.
                    throw view.Error(producer, string.Create(CultureInfo.InvariantCulture, $"input #{i} is omitted; the activation patterns use every input."));
                }
            }

            if (producer.OpType == "Identity")
            {
                RejectAttributes(view, producer, []);
                view.Use(producer);
                return producer.Inputs.Count == 1 ? Build(view, producer.Inputs[0], x, region, depth + 1, ref budget) : throw view.Error(producer, "expected one input.");
            }

            var args = new Expr[producer.Inputs.Count];
            for (var i = 0; i < args.Length; i++)
            {
                args[i] = Build(view, producer.Inputs[i], x, region, depth + 1, ref budget);
            }

            return new OpExpr(producer, args);
        }

        if (view.TryGetConstant(value, out var tensor))
        {
            if (tensor.DataType is not (OnnxFields.Tensor.DataTypeFloat or OnnxFields.Tensor.DataTypeDouble) || tensor.Dims.Any(d => d != 1))
            {
                throw new OnnxFormatException(view.Source, $"constant '{value}' has data type {OnnxTensor.DataTypeName(tensor.DataType)} and dims {tensor.ShapeText}; activation patterns use FLOAT or DOUBLE scalars.");
            }

            var number = tensor.ToArray<double>(NpyConversion.AllowPrecisionChange, view.Source, $"constant '{value}'")[0];
            return new ConstExpr(number, tensor.DataType);
        }

        var reader = view.Consumers(value).First(region.Contains);
        throw view.Error(reader, $"input '{value}' is neither the layer's output, a node of the activation, nor a constant; an activation reads only its layer's output.");
    }

    private static void Use(OnnxGraphView view, Expr expr)
    {
        if (expr is OpExpr op)
        {
            view.Use(op.Node);
            foreach (var arg in op.Args)
            {
                Use(view, arg);
            }
        }
    }

    private static Activation? Recognise(OnnxGraphView view, Expr e, int opset)
    {
        if (e is OpExpr { Args: [XExpr] } single && Single(view, single.Node, opset) is { } direct)
        {
            return direct;
        }

        foreach (var node in Nodes(e))
        {
            if (!IsElementaryOp(node.Op))
            {
                return null;
            }

            RejectAttributes(view, node.Node, []);
        }

        var product = Product(e);

        // x · σ(x)
        if (product is { X: 1, Constant: null, Others: [OpExpr { Op: "Sigmoid", Args: [XExpr] }] })
        {
            return Activation.Silu;
        }

        // 0.5 · x · (1 + erf(x/√2))  and  0.5 · x · (1 + tanh(√(2/π)·(x + 0.044715·x³)))
        if (product is { X: 1, Constant: { } half, Others: [var factor] } && Near(half, 0.5) && Sum(factor) is { X: 0, Constant: { } one, Others: [OpExpr { Args: [var arg] } f] } && Near(one, 1))
        {
            if (f.Op == "Erf" && Product(arg) is { X: 1, Constant: { } c, Others: [] } && Near(c, 1 / Math.Sqrt(2)))
            {
                return Activation.Gelu;
            }

            if (f.Op == "Tanh" && Product(arg) is { X: 0, Constant: { } k, Others: [var poly] } && Near(k, Math.Sqrt(2 / Math.PI))
                && Sum(poly) is { X: 1, Constant: null, Others: [var cubic] } && Product(cubic) is { X: 3, Constant: { } c3, Others: [] } && Near(c3, 0.044715))
            {
                return Activation.GeluTanh;
            }
        }

        // Where(x > 0, x, s·x) and Where(x > 0, x, α·(eˣ − 1))
        if (e is OpExpr { Op: "Where", Args: [OpExpr { Op: "Greater", Args: [XExpr, ConstExpr { Value: 0 }] }, XExpr, var negative] })
        {
            var p = Product(negative);
            if (p is { X: 1, Constant: { } slope, Others: [] })
            {
                return Create(view, e, ActivationKind.LeakyRelu, slope.Value);
            }

            if (p is { X: 0, Constant: { } alpha, Others: [var em1] } && Sum(em1) is { X: 0, Constant: { } minusOne, Others: [OpExpr { Op: "Exp", Args: [XExpr] }] } && Near(minusOne, -1))
            {
                return Create(view, e, ActivationKind.Elu, alpha.Value);
            }
        }

        // relu(x) + log(1 + e^−|x|)
        if (Sum(e) is { X: 0, Constant: null, Others: [var t1, var t2] })
        {
            var (relu, log) = t1 is OpExpr { Op: "Relu" } ? (t1, t2) : (t2, t1);
            if (relu is OpExpr { Op: "Relu", Args: [XExpr] } && log is OpExpr { Op: "Log", Args: [var inner] }
                && Sum(inner) is { X: 0, Constant: { } one2, Others: [OpExpr { Op: "Exp", Args: [OpExpr { Op: "Neg", Args: [OpExpr { Op: "Abs", Args: [XExpr] }] }] }] } && Near(one2, 1))
            {
                return Activation.Softplus;
            }
        }

        return null;
    }

    /// <summary>A single op applied to x, with its attributes checked; null for ops that are only pattern parts.</summary>
    private static Activation? Single(OnnxGraphView view, OnnxNode node, int opset)
    {
        switch (node.OpType)
        {
            case "Relu":
            case "Sigmoid":
            case "Tanh":
            case "Softplus":
                RejectAttributes(view, node, []);
                return node.OpType switch
                {
                    "Relu" => Activation.Relu,
                    "Sigmoid" => Activation.Sigmoid,
                    "Tanh" => Activation.Tanh,
                    "Softplus" => Activation.Softplus,
                    _ => throw new InvalidOperationException($"{node.OpType} reached the single-op arm of {node}."),
                };
            case "LeakyRelu":
                return Create(view, node, ActivationKind.LeakyRelu, Widen(FloatAttribute(view, node, "alpha", (float)Activation.DefaultNegativeSlope, ["alpha"])));
            case "Elu":
                return Create(view, node, ActivationKind.Elu, Widen(FloatAttribute(view, node, "alpha", (float)Activation.DefaultEluAlpha, ["alpha"])));
            case "Softmax":
                // Before opset 13 the default axis is 1 (flatten to 2-D at axis), from 13 it is −1; on a 2-D tensor both
                // read one row at a time for axis 1 or −1, and axis 0 would normalise over the batch.
                var axis = IntAttribute(view, node, "axis", opset < 13 ? 1 : -1, ["axis"]);
                if (axis is not (1 or -1))
                {
                    throw view.Error(node, string.Create(CultureInfo.InvariantCulture, $"attribute 'axis' = {axis}: on the [batch, features] tensor only axis 1 or -1 (softmax over each row) is supported."));
                }

                return Activation.Softmax;
            case "Gelu" when opset >= 20:
                var approximate = StringAttribute(view, node, "approximate", "none", ["approximate"]);
                return approximate switch
                {
                    "none" => Activation.Gelu,
                    "tanh" => Activation.GeluTanh,
                    _ => throw view.Error(node, $"attribute 'approximate' = '{approximate}': expected 'none' or 'tanh'."),
                };
            case "Gelu":
                throw view.Error(node, string.Create(CultureInfo.InvariantCulture, $"Gelu is an opset 20 op; the model imports opset {opset}."));
            default:
                return null;
        }
    }

    private static bool IsElementaryOp(string op) => op is "Mul" or "Div" or "Add" or "Sub" or "Erf" or "Pow" or "Where" or "Greater" or "Exp" or "Log" or "Abs" or "Neg" or "Relu" or "Sigmoid" or "Tanh";

    private static IEnumerable<OpExpr> Nodes(Expr e)
    {
        if (e is OpExpr op)
        {
            yield return op;
            foreach (var arg in op.Args)
            {
                foreach (var inner in Nodes(arg))
                {
                    yield return inner;
                }
            }
        }
    }

    private static Activation Create(OnnxGraphView view, OnnxNode node, ActivationKind kind, double parameter)
    {
        var error = Activation.ParameterError(kind, parameter);
        return error is null ? Activation.Create(kind, parameter) : throw view.Error(node, $"{ActivationNames.GetName(kind)}: {error}");
    }

    private static Activation Create(OnnxGraphView view, Expr e, ActivationKind kind, double parameter) => Create(view, ((OpExpr)e).Node, kind, parameter);

    /// <summary>A float attribute as the double with the same shortest decimal form.</summary>
    private static double Widen(float value) => double.Parse(value.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static bool Near(ConstExpr c, double expected)
    {
        var ulp = c.DataType == OnnxFields.Tensor.DataTypeFloat ? Math.ScaleB(1, -23) : Math.ScaleB(1, -52);
        return Math.Abs(c.Value - expected) <= 4 * ulp * Math.Abs(expected);
    }

    private readonly record struct Terms(int X, ConstExpr? Constant, Expr[] Others);

    /// <summary>A Mul tree as (number of x factors, the product of its constants, the other factors).</summary>
    private static Terms Product(Expr e)
    {
        var (x, others) = (0, new List<Expr>());
        ConstExpr? constant = null;
        void Walk(Expr f, bool inverse)
        {
            switch (f)
            {
                case OpExpr { Op: "Mul", Args: [var a, var b] } when !inverse:
                    Walk(a, false);
                    Walk(b, false);
                    break;
                case OpExpr { Op: "Div", Args: [var a, ConstExpr c] } when !inverse:
                    Walk(a, false);
                    Walk(c, true);
                    break;
                case OpExpr { Op: "Pow", Args: [XExpr, ConstExpr { Value: 3 }] } when !inverse:
                    x += 3;
                    break;
                case XExpr when !inverse:
                    x++;
                    break;
                case ConstExpr c:
                    var v = inverse ? 1 / c.Value : c.Value;
                    // The looser tolerance (float) wins when float and double constants mix.
                    var type = constant is null || (constant.DataType == OnnxFields.Tensor.DataTypeDouble && c.DataType == OnnxFields.Tensor.DataTypeDouble)
                        ? c.DataType
                        : OnnxFields.Tensor.DataTypeFloat;
                    constant = new ConstExpr((constant?.Value ?? 1) * v, type);
                    break;
                default:
                    others.Add(f);
                    break;
            }
        }

        Walk(e, false);
        return new Terms(x, constant, [.. others]);
    }

    /// <summary>An Add tree as (number of x terms, the sum of its constants, the other terms).</summary>
    private static Terms Sum(Expr e)
    {
        var (x, others) = (0, new List<Expr>());
        ConstExpr? constant = null;
        void Walk(Expr t, bool negate)
        {
            switch (t)
            {
                case OpExpr { Op: "Add", Args: [var a, var b] } when !negate:
                    Walk(a, false);
                    Walk(b, false);
                    break;
                case OpExpr { Op: "Sub", Args: [var a, ConstExpr c] } when !negate:
                    Walk(a, false);
                    Walk(c, true);
                    break;
                case XExpr when !negate:
                    x++;
                    break;
                case ConstExpr c:
                    constant = new ConstExpr((constant?.Value ?? 0) + (negate ? -c.Value : c.Value), c.DataType);
                    break;
                default:
                    others.Add(t);
                    break;
            }
        }

        Walk(e, false);
        return new Terms(x, constant, [.. others]);
    }

    private static string Describe(Expr e) => e switch
    {
        XExpr => "x",
        ConstExpr c => c.Value.ToString("R", CultureInfo.InvariantCulture),
        OpExpr op => $"{op.Op}({string.Join(", ", op.Args.Select(Describe))})",
        _ => "?",
    };

    // ---------------------------------------------------------------- attributes

    /// <summary>Fails for an attribute not in <paramref name="supported"/>, naming it and the supported ones.</summary>
    public static void RejectAttributes(OnnxGraphView view, OnnxNode node, string[] supported)
    {
        foreach (var attribute in node.Attributes)
        {
            if (attribute.RefAttrName is not null)
            {
                throw view.Error(node, $"attribute '{attribute.Name}' refers to a function attribute ('{attribute.RefAttrName}'); only values are supported.");
            }

            if (!supported.Contains(attribute.Name))
            {
                throw view.Error(node, $"attribute '{attribute.Name}' is not supported for {node.OpType}; supported: {(supported.Length == 0 ? "none" : string.Join(", ", supported))}.");
            }
        }
    }

    public static float FloatAttribute(OnnxGraphView view, OnnxNode node, string name, float fallback, string[] supported)
    {
        var attribute = Find(view, node, name, supported, OnnxFields.Attribute.TypeFloat, "FLOAT", a => a.HasF);
        return attribute is null ? fallback : attribute.F;
    }

    public static long IntAttribute(OnnxGraphView view, OnnxNode node, string name, long fallback, string[] supported)
    {
        var attribute = Find(view, node, name, supported, OnnxFields.Attribute.TypeInt, "INT", a => a.HasI);
        return attribute is null ? fallback : attribute.I;
    }

    public static string StringAttribute(OnnxGraphView view, OnnxNode node, string name, string fallback, string[] supported)
    {
        var attribute = Find(view, node, name, supported, OnnxFields.Attribute.TypeString, "STRING", a => a.HasS);
        return attribute is null ? fallback : Encoding.UTF8.GetString(attribute.S.Span);
    }

    private static OnnxAttribute? Find(OnnxGraphView view, OnnxNode node, string name, string[] supported, int type, string typeName, Func<OnnxAttribute, bool> hasValue)
    {
        RejectAttributes(view, node, supported);
        var matches = node.Attributes.Where(a => a.Name == name).ToList();
        if (matches.Count > 1)
        {
            throw view.Error(node, $"attribute '{name}' is given {matches.Count} times.");
        }

        if (matches.Count == 0)
        {
            return null;
        }

        var attribute = matches[0];
        // IR versions before 3 may leave 'type' unset; the value field then tells the type.
        if ((attribute.Type != type && attribute.Type != 0) || !hasValue(attribute))
        {
            throw view.Error(node, string.Create(CultureInfo.InvariantCulture, $"attribute '{name}' has type {attribute.Type}; expected {typeName} ({type}) with a value."));
        }

        return attribute;
    }
}
