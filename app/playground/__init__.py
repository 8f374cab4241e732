"""The Playground: TensorFlow Playground's experience on a Netsmith graph (window.PlaygroundWindow).

Importing this package loads no Qt; the window lives in `app.playground.window`.
"""
