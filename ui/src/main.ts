import "@fontsource-variable/noto-sans-sc/wght.css";
import "./styles/global.css";
import { mount } from "svelte";
import App from "./App.svelte";

mount(App, { target: document.getElementById("app")! });
