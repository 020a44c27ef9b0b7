"""Knowledge base in the portal: thin views over knowledge_base/."""
