"""What storyweave keeps beside the bundled MiniLM network: its common component."""
