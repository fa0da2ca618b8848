using Nabla;
using Nabla.Keras;

namespace Walkthrough;

/// <summary>The notebook's In[21] layer: variables held in fields, and in a list, are tracked with no registration.</summary>
internal sealed class MyLayer : Layer
{
    private readonly Variable _myVar = new(10);
    private readonly List<Variable> _myList = Enumerable.Range(0, 3).Select(i => new Variable(i)).ToList();
}
